{# Every fact can be traced: the bulletin's characters at [char_start, char_end) equal the column. An incremental
   mart is tested on the rows its build wrote (get_where_subquery), and only their bulletins' texts are read. The
   model is read twice rather than held in a CTE: DuckDB would materialize every column of every row in a full
   build (11 s instead of 4 at 20,000 bulletins).
   DuckDB finds a character offset of a UTF-8 text by walking it from its start (or, for a negative offset, from
   its end), once per figure: 40 figures a bulletin each walked half the text on average. So each text is cut once
   into four pieces, and a figure is read from the piece that holds it, from that piece's nearer end: an eighth of
   the walk of a figure (docs/scaling.md, "The full build's dbt step", ninth and tenth rounds). #}
{% test span_traces_to_text(model, column_name) %}
{%- set pieces = 4 %}
select facts.*
from {{ model }} as facts
inner join (
    {{ text_in_pieces(texts_of_bulletins(model), pieces) }}
) as texts on facts.bulletin_id = texts.bulletin_id
where {{ characters_of_pieces('texts', 'facts.char_start', 'facts.char_end', pieces) }} is distinct from facts.{{ column_name }}
{% endtest %}
