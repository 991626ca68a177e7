{# Every fact can be traced: the bulletin's characters at [char_start, char_end) equal the column. An incremental
   mart is tested on the rows its build wrote (get_where_subquery), and only their bulletins' texts are read. The
   model is read twice rather than held in a CTE: DuckDB would materialize every column of every row in a full
   build (11 s instead of 4 at 20,000 bulletins).
   DuckDB finds a character offset of a UTF-8 text by walking it from its start (or, for a negative offset, from
   its end), once per figure: 40 figures a bulletin each walked half the text on average. So each text is cut once
   into two halves, and a figure is read from the half that holds it, from that half's nearer end: a quarter of
   the walk of a figure, a third of the test's time (docs/scaling.md, "The full build's dbt step"). #}
{% test span_traces_to_text(model, column_name) %}
select facts.*
from {{ model }} as facts
inner join (
    select bulletin_id, text_chars, head_chars, left(bulletin_text, head_chars) as head,
        substring(bulletin_text, head_chars + 1) as tail
    from (
        select bulletin_id, bulletin_text, length(bulletin_text) as text_chars, length(bulletin_text) // 2 as head_chars
        from {{ texts_of_bulletins(model) }}
    )
) as texts on facts.bulletin_id = texts.bulletin_id
where {{ characters_of_halves('texts', 'facts.char_start', 'facts.char_end') }} is distinct from facts.{{ column_name }}
{% endtest %}
