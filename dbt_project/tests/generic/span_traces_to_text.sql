{# Every fact can be traced: the bulletin's characters at [char_start, char_end) equal the column. #}
{% test span_traces_to_text(model, column_name) %}
select facts.*
from {{ model }} as facts
inner join {{ ref('stg_bulletin_texts') }} as texts on facts.bulletin_id = texts.bulletin_id
where substring(texts.bulletin_text, facts.char_start + 1, facts.char_end - facts.char_start)
    is distinct from facts.{{ column_name }}
{% endtest %}
