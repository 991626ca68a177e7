{# Marts land in the default schema (main) where analysts look; staging/intermediate keep their own
   schema names instead of dbt's "main_staging" concatenation. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name is not none else target.schema }}
{%- endmacro %}
