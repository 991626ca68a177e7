-- The override layer: every extracted amount with the analysts' applied corrections (int_corrections) over
-- it, plus the figures they added by span, less the spans they judged not to be figures. Everything
-- downstream (fct_amount, the roll-up, the report, `fiscal`) reads amounts from here.
--
-- An analyst's decision is the strongest evidence there is, so it wins over the extractor's value; the
-- extractor's values of the fields it replaced stay in extracted_values (JSON), and reviewed_fields names
-- them. An empty value clears a field (an analyst may decide a figure has no class).
{% set fields = ['locality_code', 'fiscal_year', 'period', 'function_code', 'measure', 'program_name',
                 'parent_amount_id', 'is_total'] %}
--
-- Incremental, keyed by bulletin (int_bulletin_build_keys: its extraction, its text and the corrections naming
-- it): a refresh reviews the figures of the bulletins it changed. Only current bulletins have rows.
{% set types = {'fiscal_year': 'integer', 'is_total': 'boolean'} %}
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_bulletin_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_bulletin_build_keys')) }}
),

-- The figures' CTEs are read more than once (the added figures' check, the totals' and repeats' lookups in final): in a
-- full build read again rather than held (read_again_in_full_builds).
extracted as {{ read_again_in_full_builds() }} (
    select * exclude (build_key, built_by_invocation)
    from {{ ref('int_amounts_identified') }} semi join to_build using (bulletin_id)
),

applied as (
    select * from {{ ref('int_corrections') }} semi join to_build using (bulletin_id) where status = 'applied'
),

-- The texts of the bulletins with figures added by span (each added figure's sentence is cut from it).
bulletins as (
    select bulletin_id, bulletin_text from {{ texts_of_bulletins("(select bulletin_id from applied where field = 'add')") }}
),

articles as (
    select bulletin_id, article_no, article_id, coalesce(title_start, body_start) as article_start, body_end
    from {{ ref('stg_articles') }} semi join to_build using (bulletin_id)
),

-- Figures the extractor missed, added by span: the sentence around them is cut from the text at the
-- nearest sentence ends, and they belong to the article whose span holds them.
added as (
    select
        applied.amount_id,
        applied.bulletin_id,
        articles.article_no,
        articles.article_id,
        applied.char_start,
        applied.char_end,
        applied.span_text as amount_text,
        applied.added_amount_yuan as amount_yuan,
        applied.value as measure,
        'unknown' as period,
        false as in_title,
        false as is_total,
        regexp_extract(substring(bulletins.bulletin_text, 1, applied.char_start), '[^。！？\n]*$') as text_before,
        regexp_extract(substring(bulletins.bulletin_text, applied.char_end + 1), '^[^。！？\n]*[。！？]?') as text_after
    from applied
    inner join bulletins on applied.bulletin_id = bulletins.bulletin_id
    left join articles
        on applied.bulletin_id = articles.bulletin_id
        and applied.char_start >= articles.article_start
        and applied.char_start < articles.body_end
    where applied.field = 'add'
        and applied.amount_id not in (select amount_id from extracted)
),

amounts as {{ read_again_in_full_builds() }} (
    select *, false as is_added from extracted
    union all by name
    select
        * exclude (text_before, text_after),
        text_before || amount_text || text_after as sentence,
        char_start - length(text_before) as sentence_start,
        true as is_added
    from added
),

-- One row per reviewed figure: for each field, whether an analyst decided it, the value and who/why.
decisions as (
    select
        amount_id,
        {% for field in fields %}
        bool_or(field = '{{ field }}') as has_{{ field }},
        any_value(value) filter (where field = '{{ field }}') as new_{{ field }},
        any_value(coalesce(who, 'an analyst') || coalesce(': ' || why, '')) filter (where field = '{{ field }}')
            as note_{{ field }},
        {% endfor %}
        bool_or(field = 'not_a_fact' and value = 'true') as is_not_a_fact,
        bool_or(field = 'add') as has_add,
        any_value(value) filter (where field = 'add') as new_add,
        string_agg(field, ',' order by field) filter (where field not in ('confirm', 'not_a_fact')) as changed_fields
    from applied
    group by amount_id
),

reviewed as {{ read_again_in_full_builds() }} (
    select
        amounts.* replace (
            {% for field in fields %}
            case
                when decisions.has_{{ field }}
                    then {% if field in types %}cast(nullif(decisions.new_{{ field }}, '') as {{ types[field] }})
                    {%- else %}nullif(decisions.new_{{ field }}, ''){% endif %}
                {% if field == 'measure' %}when decisions.has_add then decisions.new_add
                {% endif %}else amounts.{{ field }}
            end as {{ field }},
            {% endfor %}
            case
                when decisions.has_locality_code then 'reviewed by ' || decisions.note_locality_code
                else amounts.locality_evidence
            end as locality_evidence,
            case
                when decisions.has_function_code then 'reviewed by ' || decisions.note_function_code
                else amounts.function_evidence
            end as function_evidence
        ),
        decisions.amount_id is not null as is_reviewed,
        decisions.changed_fields as reviewed_fields,
        case when decisions.changed_fields is not null and not amounts.is_added then
            '{' || concat_ws(', ',
                {% for field in fields %}
                case when decisions.has_{{ field }}
                    then '"{{ field }}": ' || coalesce(cast(to_json(amounts.{{ field }}) as varchar), 'null') end
                {%- if not loop.last %},{% endif %}
                {% endfor %}
            ) || '}'
        end as extracted_values,
        coalesce(decisions.is_not_a_fact, false) as is_not_a_fact
    from amounts
    left join decisions on amounts.amount_id = decisions.amount_id
),

kept as {{ read_again_in_full_builds() }} (
    select * exclude (is_not_a_fact) from reviewed where not is_not_a_fact
),

final as (
    select
        kept.* replace (
            -- a program is keyed by its name and class: either reviewed gives it a new key
            case when kept.program_name is not null then {{ program_id('kept.program_name', 'kept.function_code') }}
            end as program_id,
            -- a part whose total was judged not to be a figure has no total left
            case when kept.parent_amount_id in (select amount_id from kept) then kept.parent_amount_id end
                as parent_amount_id,
            case when kept.repeats_amount_id in (select amount_id from kept) then kept.repeats_amount_id end
                as repeats_amount_id
        )
    from kept
)

select
    final.*,
    {{ build_columns('to_build.build_key') }}
from final
inner join to_build using (bulletin_id)
