{# The characters [start, end) of a text cut into `head` (its first head_chars characters) and `tail` (the rest), as
   substring(head || tail, start + 1, end - start) gives them: from the half that holds them, walked from its nearer
   end (a negative offset counts from the end); a span across the cut, or an odd one, from the whole text. #}
{% macro characters_of_halves(texts, start, end) -%}
case
    when {{ start }} < 0 or {{ end }} < {{ start }} then substring({{ texts }}.head || {{ texts }}.tail, {{ start }} + 1, {{ end }} - {{ start }})
    when {{ end }} <= {{ texts }}.head_chars then
        case when {{ start }} * 2 < {{ texts }}.head_chars
            then substring({{ texts }}.head, {{ start }} + 1, {{ end }} - {{ start }})
            else substring({{ texts }}.head, {{ start }} - {{ texts }}.head_chars, {{ end }} - {{ start }})
        end
    when {{ start }} >= {{ texts }}.head_chars then
        case when ({{ start }} - {{ texts }}.head_chars) * 2 < {{ texts }}.text_chars - {{ texts }}.head_chars
                or {{ start }} >= {{ texts }}.text_chars
            then substring({{ texts }}.tail, {{ start }} - {{ texts }}.head_chars + 1, {{ end }} - {{ start }})
            else substring({{ texts }}.tail, {{ start }} - {{ texts }}.text_chars, {{ end }} - {{ start }})
        end
    else substring({{ texts }}.head || {{ texts }}.tail, {{ start }} + 1, {{ end }} - {{ start }})
end
{%- endmacro %}
