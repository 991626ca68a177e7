{# dbt-duckdb's incremental materialization, with the incremental run of an append model inserting the model's rows
   straight into its table (docs/scaling.md, "dbt's cost per node"). dbt-duckdb first writes them to a temporary
   table, reads the columns of both tables back (two macro calls, two queries, each result turned into an agate
   table) to compare the schemas and list the columns, asks DuckDB's version, then inserts from the temporary
   table: four statements more per model, ~50 ms of dbt's Python each on a refresh that writes one bulletin's rows.
   Here one statement inserts by column name, after the same guard as on_schema_change 'fail': a model with an
   enforced contract (the marts) has its columns and types checked against the contract by dbt (as before, two
   DESCRIBEs), and the table's against the same contract by one catalog query in the insert's statement (an error
   when they differ), so the model's columns are the table's without binding the model's query twice.
   Any other case (a first or full build, a view, a unique key, another strategy, predicates, Python,
   on_schema_change other than 'ignore', or 'fail' without a contract, grants or persisted docs) is dbt-duckdb's
   own materialization. #}
{%- materialization incremental, adapter='duckdb', supported_languages=['sql', 'python'] -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set on_schema_change = config.get('on_schema_change') or 'ignore' -%}
    {%- set contract = config.get('contract') -%}
    {%- set enforced = contract is not none and contract.enforced -%}
    {%- set lean = model['language'] == 'sql'
        and existing_relation is not none and existing_relation.is_table and not should_full_refresh()
        and config.get('unique_key') is none
        and (config.get('incremental_strategy') or 'default') in ('default', 'append')
        and not (config.get('predicates') or config.get('incremental_predicates'))
        and (on_schema_change == 'ignore' or (on_schema_change == 'fail' and enforced))
        and not config.get('grants') and not config.get('persist_docs') -%}
    {%- if not lean -%}
        {{ return(dbt.materialization_incremental_duckdb()) }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='table') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {%- if enforced -%}
        {{ get_assert_columns_equivalent(compiled_code) }}
    {%- endif %}
    {% call statement('main') -%}
        {% if on_schema_change == 'fail' -%}
            {{ assert_table_matches_contract(target_relation, model['columns']) }};
        {% endif -%}
        insert into {{ target_relation }} by name
        select * from (
            {{ compiled_code }}
        );
    {%- endcall %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{# A query that raises an error when the columns (names and types) of `relation` differ from a contract's, as
   on_schema_change 'fail' does; DuckDB spells each contract type as it names the table's (typeof a cast null). #}
{% macro assert_table_matches_contract(relation, columns) -%}
with contract_columns as (
    select string_agg(lower(column_name) || ' ' || column_type, ', ' order by lower(column_name)) as columns
    from (
        {%- for column in columns.values() %}
        select '{{ column.name }}' as column_name, typeof(cast(null as {{ column.data_type }})) as column_type
        {{- ' union all' if not loop.last }}
        {%- endfor %}
    )
),

table_columns as (
    select string_agg(lower(column_name) || ' ' || data_type, ', ' order by lower(column_name)) as columns
    from duckdb_columns()
    where database_name = '{{ relation.database }}'
        and schema_name = '{{ relation.schema }}'
        and table_name = '{{ relation.identifier }}'
)

select error(
    'The source and target schemas on this incremental model are out of sync (on_schema_change: fail): '
    || 'contract ' || contract_columns.columns || '; table ' || coalesce(table_columns.columns, '(none)')
    || '. Run with --full-refresh to rebuild it.'
)
from contract_columns, table_columns
where contract_columns.columns is distinct from table_columns.columns
{%- endmacro %}
