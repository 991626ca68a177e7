{# dbt's generic tests, returning the whole failing rows instead of a count per value. With the rows kept
   (store_failures), a failure that belongs to one bulletin names it (bulletin_id, or a fact id that begins
   with it), so the refresh holds that bulletin back instead of blocking the warehouse (holds.py).
   Same pass/fail as dbt's own: dbt dispatches to the root project's macros first. #}

{% macro default__test_accepted_values(model, column_name, values, quote=True) %}
select *
from {{ model }}
where {{ column_name }} not in (
    {% for value in values -%}
        {% if quote %}'{{ value }}'{% else %}{{ value }}{% endif %}{%- if not loop.last %}, {% endif %}
    {%- endfor %}
)
{% endmacro %}

{% macro default__test_unique(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} in (
    select {{ column_name }} from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(*) > 1
)
{% endmacro %}

{% macro default__test_relationships(model, column_name, to, field) %}
select child.*
from {{ model }} as child
anti join {{ to }} as parent on child.{{ column_name }} = parent.{{ field }}
where child.{{ column_name }} is not null
{% endmacro %}
