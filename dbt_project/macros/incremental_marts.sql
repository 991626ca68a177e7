{# Incremental marts keyed by bulletin (docs/scaling.md, "Incremental marts"). A mart stores each row's
   build_key (int_bulletin_build_keys, or a mart's own key that adds what its rows take from other bulletins)
   and the dbt invocation that wrote it. Before a build, the rows whose bulletin's key changed or whose
   bulletin left the warehouse are deleted; the model then inserts the bulletins it holds no rows of.
   A change to the models or the reference data makes the pipeline pass --full-refresh. #}

{# The (bulletin_id, build_key) each incremental model's rows were built from, in a narrow table of its own
   (schema intermediate of the internal database: never published). A refresh finds what to delete and what to
   build by comparing the current keys with this table (one row per bulletin), never by scanning the model's rows
   (4 million figures at 100,000 bulletins). Its rows carry the invocation that built them, as the model's rows
   do, so that a round's rows and keys are forgotten together (orchestration/warehouse/build_state.py). #}
{% macro built_keys_table() %}
{{ return(internal_table(this.identifier ~ '_built_keys')) }}
{% endmacro %}

{# A model's bookkeeping table: in the internal database the profile attaches (never published), marts' included. #}
{% macro internal_table(identifier) %}
{{ return(api.Relation.create(database='internal', schema='intermediate', identifier=identifier)) }}
{% endmacro %}

{# Pre-hook of every incremental model. Deletes the rows whose bulletin's key is no longer current (a changed key,
   or a bulletin that left), then records the keys this build writes: all of them in a full build, else those the
   table does not hold (new, changed, or deleted above). #}
{% macro delete_outdated_bulletins(build_keys) %}
{% set built = built_keys_table() %}
create schema if not exists {{ built.without_identifier() }};
{% if is_incremental() %}
create temporary table outdated_bulletins as
    select bulletin_id from {{ built }} anti join {{ build_keys }} as keys using (bulletin_id, build_key);
delete from {{ this }} where bulletin_id in (select bulletin_id from outdated_bulletins);
delete from {{ built }} where bulletin_id in (select bulletin_id from outdated_bulletins);
drop table outdated_bulletins;
{% endif %}
{{ record_built_keys(built, build_keys, 'built_by_invocation') }}
{% endmacro %}

{# The end of both pre-hooks: records the keys this build writes, in `column`. A full build records every key; an
   incremental one those the table does not hold (new, changed, or deleted by the hook). #}
{% macro record_built_keys(built, build_keys, column) %}
{% if is_incremental() %}
insert into {{ built }}
    select bulletin_id, build_key, '{{ invocation_id }}' as {{ column }}
    from {{ build_keys }} as keys anti join {{ built }} using (bulletin_id);
{% else %}
create or replace table {{ built }} as
    select bulletin_id, build_key, '{{ invocation_id }}' as {{ column }} from {{ build_keys }} as keys;
{% endif %}
{% endmacro %}

{# The (bulletin_id, build_key) of the bulletins this build writes: those its pre-hook recorded. A unit test (no
   hook, no table) builds from every key given. #}
{% macro bulletins_to_build(build_keys) %}
{% if is_incremental() %}
select bulletin_id, build_key from {{ built_keys_table() }} where built_by_invocation = '{{ invocation_id }}'
{% else %}
select bulletin_id, build_key from {{ build_keys }}
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

{# int_spendable_amounts' scopes to compute again: a figure's spending role depends on the other figures of its
   locality, year and period, so a refresh recomputes whole scopes, never half of one. #}
{% macro scopes_to_build_table() %}
{{ return(internal_table(this.identifier ~ '_scopes_to_build')) }}
{% endmacro %}

{# Pre-hook of int_spendable_amounts. The changed bulletins are those whose key differs from the one its rows were
   computed from (changed, new, or gone); the scopes to build are the (locality, year, period) their old rows and
   their new figures fall in. Deletes the rows of those bulletins and of those scopes, and records the changed
   current bulletins' keys. Its bookkeeping column is computed_by_invocation, not built_by_invocation: a round whose
   rows are forgotten (a held bulletin) must not forget scopes, which the next round would not know to build again;
   the model stays a function of its inputs, and the next round recomputes the scopes the held bulletin left. #}
{% macro delete_outdated_scopes(build_keys, figures) %}
{% set built = built_keys_table() %}
{% set scopes = scopes_to_build_table() %}
create schema if not exists {{ built.without_identifier() }};
{% if is_incremental() %}
create temporary table changed_bulletins as
    select bulletin_id from {{ built }} anti join {{ build_keys }} as keys using (bulletin_id, build_key)
    union
    select bulletin_id from {{ build_keys }} as keys anti join {{ built }} using (bulletin_id, build_key);
create or replace table {{ scopes }} as
    select locality_code, fiscal_year, period from (
        select locality_code, fiscal_year, period from {{ this }} semi join changed_bulletins using (bulletin_id)
        union
        select locality_code, fiscal_year, period from {{ figures }} semi join changed_bulletins using (bulletin_id)
    )
    where locality_code is not null and fiscal_year is not null and period is not null;
delete from {{ this }} where bulletin_id in (select bulletin_id from changed_bulletins);
delete from {{ this }} as spending using {{ scopes }} as scopes
    where spending.locality_code = scopes.locality_code
        and spending.fiscal_year = scopes.fiscal_year
        and spending.period = scopes.period;
delete from {{ built }} where bulletin_id in (select bulletin_id from changed_bulletins);
drop table changed_bulletins;
{% endif %}
{{ record_built_keys(built, build_keys, 'computed_by_invocation') }}
{% endmacro %}

{# Pre-hook of int_amount_build_keys: deletes the digests of bulletins whose own key changed or that left, and of
   those whose spending rows int_spendable_amounts wrote in this build; the model digests the bulletins it then
   holds no row of. #}
{% macro delete_outdated_spending_digests(bulletin_keys, spending) %}
{% if is_incremental() %}
delete from {{ this }} where bulletin_id in (
    select digests.bulletin_id from {{ this }} as digests
    anti join {{ bulletin_keys }} as keys
        on digests.bulletin_id = keys.bulletin_id and digests.bulletin_build_key = keys.build_key
    union all
    select bulletin_id from {{ spending }} where computed_by_invocation = '{{ invocation_id }}'
)
{% else %}
select 1 {# a full build starts from an empty table: nothing to delete #}
{% endif %}
{% endmacro %}

{# The texts of the bulletins a query names (a relation or subquery with bulletin_id), reading only the files of
   the batches that store them: the ledger names each text's batch, and a batch's files carry its id in their
   statistics, so the other batches' files are skipped. A semi join on bulletin_id alone reads every text (ids
   are hashes, spread over every file): 0.5-1 s a test at 20,000 bulletins for a handful of new rows. #}
{% macro texts_of_bulletins(bulletins) %}
(
    with stored as (
        select bulletin_id, batch_id from {{ source('ledger', 'texts') }}
        where bulletin_id in (select bulletin_id from {{ bulletins }})
    )
    select texts.bulletin_id, texts.text as bulletin_text
    from {{ source('batches', 'texts') }} as texts
    semi join stored on texts.bulletin_id = stored.bulletin_id and texts.batch_id = stored.batch_id
    where texts.batch_id in (select batch_id from stored)
)
{% endmacro %}

{# How a model holds a CTE its query reads more than once. DuckDB materializes such a CTE: in a full build, every
   column of every figure, more than its memory limit at 100,000 bulletins (it spills); there each reader scans the
   model's input again for the columns it needs. A refresh holds its few rows, as DuckDB chooses (docs/scaling.md,
   "The full build's dbt step"). #}
{% macro read_again_in_full_builds() -%}
{{ '' if is_incremental() else 'not materialized' }}
{%- endmacro %}
