{# A text cut into `pieces` pieces of piece_chars = text_chars // pieces characters (the last one holds the rest):
   piece_0, piece_1, ... beside the columns of `texts` (a relation with bulletin_text). Each piece is cut walking from
   the nearer end of the text: DuckDB finds a character offset of a UTF-8 text by walking it. #}
{% macro text_in_pieces(texts, pieces) -%}
select *,
    {%- for i in range(pieces) %}
    {% if i == pieces - 1 -%}
    substring(bulletin_text, -(text_chars - {{ i }} * piece_chars))
    {%- elif i * 2 < pieces -%}
    substring(bulletin_text, {{ i }} * piece_chars + 1, piece_chars)
    {%- else -%}
    substring(bulletin_text, -(text_chars - {{ i }} * piece_chars), piece_chars)
    {%- endif %} as piece_{{ i }}{{ "," if not loop.last }}
    {%- endfor %}
from (
    select *, length(bulletin_text) as text_chars, length(bulletin_text) // {{ pieces }} as piece_chars
    from {{ texts }}
)
{%- endmacro %}

{# The characters [start, end) of a text cut by text_in_pieces, as substring(bulletin_text, start + 1, end - start)
   gives them: from the piece that holds them, walked from its nearer end (a negative offset counts from the end); a
   span across a cut, or an odd one, from the whole text. #}
{% macro characters_of_pieces(texts, start, end, pieces) -%}
{%- set whole -%}
({% for i in range(pieces) %}{{ texts }}.piece_{{ i }}{{ " || " if not loop.last }}{% endfor %})
{%- endset -%}
case
    when {{ start }} < 0 or {{ end }} < {{ start }} then substring({{ whole }}, {{ start }} + 1, {{ end }} - {{ start }})
    {%- for i in range(pieces) %}
    {%- set first = "(" ~ i ~ " * " ~ texts ~ ".piece_chars)" %}
    {%- set offset = "(" ~ start ~ " - " ~ first ~ ")" %}
    {%- set last = loop.last %}
    {%- set piece_length = ("(" ~ texts ~ ".text_chars - " ~ first ~ ")") if last else (texts ~ ".piece_chars") %}
    when {{ start }} >= {{ first }}{% if not last %} and {{ end }} <= {{ first }} + {{ texts }}.piece_chars{% endif %} then
        case when {{ offset }} * 2 < {{ piece_length }}{% if last %} or {{ start }} >= {{ texts }}.text_chars{% endif %}
            then substring({{ texts }}.piece_{{ i }}, {{ offset }} + 1, {{ end }} - {{ start }})
            else substring({{ texts }}.piece_{{ i }}, {{ offset }} - {{ piece_length }}, {{ end }} - {{ start }})
        end
    {%- endfor %}
    else substring({{ whole }}, {{ start }} + 1, {{ end }} - {{ start }})
end
{%- endmacro %}
