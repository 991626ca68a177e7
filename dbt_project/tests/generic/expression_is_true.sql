{# Rows where the boolean SQL expression is false fail the test (dbt_utils is not reachable here). #}
{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
