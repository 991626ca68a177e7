{# dbt-duckdb's create_table_as, with a contract's primary key added once the rows are in (docs/scaling.md, "The full
   build's dbt step"). dbt-duckdb creates the table with its constraints, primary key included, then inserts the
   model's rows: DuckDB then checks and indexes each row as it arrives (fct_amount: 4 million keys at 100,000
   bulletins). Here the table is created with its other constraints (not_null), the rows inserted, and the primary
   key added by `alter table`, which builds the same index from the stored keys in one pass and fails the same way
   on a duplicate or NULL key (the node fails, nothing is published). The table ends with the same columns,
   constraints and index. An incremental run inserting into the table later checks every new key against it, as
   before. Any other case (no contract, no primary key, a temporary table, partitioning or sorting, Python) is
   dbt-duckdb's own. #}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- set contract = config.get('contract') -%}
    {%- set key_columns = primary_key_columns() if language == 'sql' and contract and contract.enforced else [] -%}
    {%- if not key_columns or temporary or partitioned_by or sorted_by -%}
        {{ return(dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by)) }}
    {%- endif -%}
    {{ get_assert_columns_equivalent(compiled_code) }}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create table {{ relation }} {{ columns_and_constraints_but_primary_key() }};
    insert into {{ relation }} {{ get_column_names() }} (
      {{ get_select_subquery(compiled_code) }}
    );
    alter table {{ relation }} add primary key ({{ key_columns | join(', ') }});
{%- endmacro %}

{# The columns of the model's primary key (a column's constraint or the model's), quoted as the contract quotes them. #}
{% macro primary_key_columns() -%}
    {%- set columns = [] -%}
    {%- for column in model['columns'].values() -%}
        {%- for constraint in column['constraints'] if constraint['type'] == 'primary_key' -%}
            {%- do columns.append(adapter.quote(column['name']) if column.get('quote') else column['name']) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for constraint in model['constraints'] if constraint['type'] == 'primary_key' -%}
        {%- do columns.extend(constraint['columns']) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{# dbt's table_columns_and_constraints() without the primary key constraints. #}
{% macro columns_and_constraints_but_primary_key() -%}
    {%- set columns = {} -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = [] -%}
        {%- for constraint in column['constraints'] if constraint['type'] != 'primary_key' -%}
            {%- do kept.append(constraint) -%}
        {%- endfor -%}
        {%- set without_key = {} -%}
        {%- do without_key.update(column) -%}
        {%- do without_key.update({'constraints': kept}) -%}
        {%- do columns.update({name: without_key}) -%}
    {%- endfor -%}
    {%- set model_constraints = [] -%}
    {%- for constraint in model['constraints'] if constraint['type'] != 'primary_key' -%}
        {%- do model_constraints.append(constraint) -%}
    {%- endfor -%}
    {%- set rendered = adapter.render_raw_columns_constraints(raw_columns=columns)
        + adapter.render_raw_model_constraints(raw_constraints=model_constraints) -%}
    ( {{ rendered | join(', ') }} )
{%- endmacro %}
