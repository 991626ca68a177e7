{# Readable, deterministic keys: the same bulletin text always yields the same ids. #}
{% macro article_id(bulletin_id, article_no) -%}
    {{ bulletin_id }} || '-' || lpad(cast({{ article_no }} as varchar), 3, '0')
{%- endmacro %}

{% macro span_id(bulletin_id, char_start, char_end) -%}
    {{ bulletin_id }} || ':' || cast({{ char_start }} as varchar) || '-' || cast({{ char_end }} as varchar)
{%- endmacro %}

{% macro program_id(program_name, function_code) -%}
    substr(md5(coalesce({{ program_name }}, '') || '|' || coalesce({{ function_code }}, '')), 1, 12)
{%- endmacro %}
