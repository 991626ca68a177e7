{# dbt-duckdb's table materialization, with a table that already exists replaced inside one transaction (docs/scaling.md,
   "dbt's cost per node"). dbt-duckdb builds the new table under a temporary name, looks up its indexes and the
   foreign keys that reference it, renames the old table to a backup and the new one into place, commits, then
   drops the backup (three macro calls, six statements more). Here the old table is dropped and the new one created
   under its own name between the same begin and commit: a failed build rolls back to the old table, as before,
   and the contract is checked and applied by the same create_table_as.
   Only when no model of the project declares a foreign key (a table that one references cannot be dropped; this
   project checks its relationships in row_rules tests instead). Any other case (no table yet, a view, Python,
   a foreign key, indexes, partitioning or sorting, grants or persisted docs, DuckLake) is dbt-duckdb's own. #}
{%- materialization table, adapter='duckdb', supported_languages=['sql', 'python'] -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set lean = model['language'] == 'sql'
        and existing_relation is not none and existing_relation.is_table
        and not project_declares_foreign_keys()
        and not config.get('indexes') and not config.get('partitioned_by') and not config.get('sorted_by')
        and not config.get('grants') and not config.get('persist_docs')
        and not adapter.is_ducklake(existing_relation) -%}
    {%- if not lean -%}
        {{ return(dbt.materialization_table_duckdb()) }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='table') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% call statement('main') -%}
        drop table {{ existing_relation }};
        {{ create_table_as(False, target_relation, compiled_code, 'sql') }}
    {%- endcall %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}

{# Whether any model of the project declares a foreign key constraint (on the model or on a column). #}
{% macro project_declares_foreign_keys() -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
        {%- for constraint in node.constraints if constraint.type == 'foreign_key' -%}
            {{ return(true) }}
        {%- endfor -%}
        {%- for column in node.columns.values() -%}
            {%- for constraint in column.constraints if constraint.type == 'foreign_key' -%}
                {{ return(true) }}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}
