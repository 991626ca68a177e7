{# Incremental marts keyed by bulletin (docs/scaling.md, "Incremental marts"). A mart stores each row's
   build_key (int_bulletin_build_keys, or a mart's own key that adds what its rows take from other bulletins)
   and the dbt invocation that wrote it. Before a build, the rows whose bulletin's key changed or whose
   bulletin left the warehouse are deleted; the model then inserts the bulletins it holds no rows of.
   A change to the models or the reference data makes the pipeline pass --full-refresh. #}

{% macro delete_outdated_bulletins(build_keys) %}
{% if is_incremental() %}
delete from {{ this }} as mart
where not exists (
    select 1 from {{ build_keys }} as keys
    where keys.bulletin_id = mart.bulletin_id and keys.build_key = mart.build_key
)
{% else %}
select 1 {# a full build starts from an empty table: nothing to delete #}
{% endif %}
{% endmacro %}

{# The (bulletin_id, build_key) of the bulletins this build writes: all of them in a full build, else those the
   mart holds no rows of (new, changed, or deleted above). #}
{% macro bulletins_to_build(build_keys) %}
select bulletin_id, build_key from {{ build_keys }}
{% if is_incremental() %}
where bulletin_id not in (select distinct bulletin_id from {{ this }})
{% endif %}
{% endmacro %}

{# bulletin_versions' keys, one per stored text: the batch storing it and whether it is current. #}
{% macro version_build_keys() %}
(
    select texts.bulletin_id, md5(texts.batch_id || (current_bulletins.bulletin_id is not null)) as build_key
    from {{ source('ledger', 'texts') }} as texts
    left join {{ ref('int_bulletin_build_keys') }} as current_bulletins using (bulletin_id)
)
{% endmacro %}

{# The two bookkeeping columns every incremental mart ends with. #}
{% macro build_columns(build_key) %}
    {{ build_key }} as build_key,
    '{{ invocation_id }}' as built_by_invocation
{%- endmacro %}

{# Generic tests on an incremental mart look at the rows this invocation wrote (a full refresh writes them
   all), except `unique`, which keeps looking at the whole table (cheap on a table, and a new row can
   collide with an old one). Every other relation is tested whole, as dbt does, with any `where` config. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {#- graph is empty at parse time: the filter is decided when the test runs -#}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ relation.identifier) if execute and relation.identifier else none -%}
    {%- set is_incremental_mart = node is not none and node.config.materialized == 'incremental' -%}
    {%- if is_incremental_mart and model.test_metadata and model.test_metadata.name != 'unique' -%}
        {%- set this_build = "built_by_invocation = '" ~ invocation_id ~ "'" -%}
        {%- set where = this_build ~ (' and (' ~ where ~ ')' if where else '') -%}
    {%- endif -%}
    {%- if where -%}
        {#- no alias: the tests name it (`from {{ model }} as child`) -#}
        (select * from {{ relation }} where {{ where }})
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{# int_amounts_identified's keys: a bulletin's amounts are those of the extraction batch the ledger names. #}
{% macro extraction_build_keys() %}
(
    select bulletin_id, batch_id as build_key
    from {{ ref('stg_extractions') }}
    where extraction_status = 'ok'
)
{% endmacro %}
