{% test six_digit_code(model, column_name) %}
select * from {{ model }}
where {{ column_name }} is not null and not regexp_full_match({{ column_name }}, '[0-9]{6}')
{% endtest %}
