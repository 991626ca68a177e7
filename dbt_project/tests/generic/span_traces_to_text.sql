{# Every fact can be traced: the bulletin's characters at [char_start, char_end) equal the column. An incremental
   mart is tested on the rows its build wrote (get_where_subquery), and only their bulletins' texts are read. The
   model is read twice rather than held in a CTE: DuckDB would materialize every column of every row in a full
   build (11 s instead of 4 at 20,000 bulletins). #}
{% test span_traces_to_text(model, column_name) %}
select facts.*
from {{ model }} as facts
inner join {{ texts_of_bulletins(model) }} as texts on facts.bulletin_id = texts.bulletin_id
where substring(texts.bulletin_text, facts.char_start + 1, facts.char_end - facts.char_start)
    is distinct from facts.{{ column_name }}
{% endtest %}
