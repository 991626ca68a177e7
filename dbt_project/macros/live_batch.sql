{# Fact rows of the batch the extraction ledger names for their bulletin: a re-extraction or a
   batch left by a killed run never doubles a fact. #}
{% macro live_batch_rows(fact_source) -%}
    select facts.*
    from {{ fact_source }} as facts
    semi join {{ source('ledger', 'extractions') }} as extractions
        on facts.bulletin_id = extractions.bulletin_id
        and facts.batch_id = extractions.batch_id
{%- endmacro %}
