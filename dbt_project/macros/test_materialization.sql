{# dbt's test materialization, with failures stored as a view in two statements instead of six (docs/scaling.md,
   "dbt's cost per node"). dbt drops the old view (a macro call and a statement), creates the new one in a
   transaction of its own (begin, create, commit), then counts the failures in another (begin, select, rollback).
   Here one statement replaces the view and counts what it returns: DuckDB runs a multi-statement string in
   autocommit and returns the last statement's result. A refresh runs 23 tests, and each statement costs dbt
   ~5-10 ms of Python (its events and bookkeeping) besides DuckDB's time.
   The same view, the same relation reported, the same failures, warn_if and error_if. Any other case (failures
   not stored, stored as a table, or an old relation of another type in the way) is dbt's own materialization. #}
{%- materialization test, default -%}
    {%- set identifier = model['alias'] -%}
    {%- set old_relation = adapter.get_relation(database=database, schema=schema, identifier=identifier) -%}
    {%- set lean = should_store_failures() and config.get('store_failures_as') == 'view'
        and (old_relation is none or old_relation.is_view) -%}
    {%- if not lean -%}
        {{ return(dbt.materialization_test_default()) }}
    {%- endif -%}
    {%- set sql_header = config.get('sql_header') if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none -%}
    {%- set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type='view') -%}
    {%- set failures_sql -%}
        select * from {{ target_relation }}
    {%- endset -%}
    {% call statement('main', fetch_result=True, auto_begin=False) -%}
        {% if sql_header %}{{ sql_header }}{% endif %}
        create or replace view {{ target_relation }} as (
            {{ get_limit_subquery_sql(sql, config.get('limit')) }}
        );
        {{ get_test_sql(failures_sql, config.get('fail_calc'), config.get('warn_if'), config.get('error_if'), limit=none) }}
    {%- endcall %}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
