{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_amount_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_amount_build_keys')) }}
),

-- Read by the rows and by the locations join: in a full build read twice rather than held (read_again_in_full_builds).
amounts as {{ read_again_in_full_builds() }} (
    select * exclude (build_key, built_by_invocation)
    from {{ ref('int_amounts_reviewed') }} semi join to_build using (bulletin_id)
),

spending as (
    select * exclude (bulletin_id) from {{ ref('int_spendable_amounts') }} semi join to_build using (bulletin_id)
),

-- the narrowest text part (a table cell, else its line) holding the figure: where it stands in its file
locations as (
    select amounts.amount_id, parts.location as source_location
    from amounts
    inner join (select * from {{ ref('stg_text_parts') }} semi join to_build using (bulletin_id)) as parts
        on parts.bulletin_id = amounts.bulletin_id
        and parts.char_start <= amounts.char_start
        and amounts.char_end <= parts.char_end
    qualify row_number() over (
        partition by amounts.amount_id order by parts.char_end - parts.char_start, parts.char_start
    ) = 1
),

bulletins as (
    select bulletin_id, source_file, is_removed from {{ ref('int_current_bulletins') }} semi join to_build using (bulletin_id)
),

final as (
    select
        amounts.amount_id,
        amounts.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed as is_source_removed,
        amounts.article_no,
        amounts.article_id,
        amounts.char_start,
        amounts.char_end,
        amounts.amount_text,
        amounts.amount_yuan,
        amounts.header_unit,
        amounts.table_row,
        amounts.table_column,
        locations.source_location,
        amounts.in_title,
        amounts.repeats_amount_id,
        amounts.locality_code,
        amounts.locality_evidence,
        amounts.fiscal_year,
        amounts.period,
        amounts.program_id,
        amounts.program_name,
        amounts.function_code,
        amounts.function_evidence,
        amounts.measure,
        amounts.is_total,
        amounts.parent_amount_id,
        amounts.sentence,
        amounts.sentence_start,
        amounts.is_reviewed,
        amounts.reviewed_fields,
        amounts.extracted_values,
        spending.spending_role,
        spending.addable_yuan,
        spending.spending_note,
        {{ build_columns('to_build.build_key') }}
    from amounts
    inner join bulletins using (bulletin_id)
    inner join to_build using (bulletin_id)
    left join spending using (amount_id)
    left join locations using (amount_id)
)

-- Stored by locality and year: an analyst's question is mostly about one county (and year), and DuckDB skips the
-- row groups whose locality range misses it (docs/scaling.md, "Analyst queries at 100,000"). A refresh appends its
-- bulletins' rows, in this order among themselves; the next full build sorts all of them again.
select * from final
order by locality_code, fiscal_year
