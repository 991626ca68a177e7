-- Counts of beneficiaries and units (惠及1.43万人次, 受益村民40968名, 26731户), linked to the amount they
-- belong to when the sentence says so.
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_bulletin_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_bulletin_build_keys')) }}
),

beneficiaries as (
    select * from {{ ref('stg_beneficiaries') }} semi join to_build using (bulletin_id)
),

amounts as (
    -- the figures of the same bulletin, from the table (their ids do not depend on other bulletins)
    select amount_id, bulletin_id, char_start from {{ ref('fct_amount') }} semi join to_build using (bulletin_id)
),

bulletins as (
    select bulletin_id, source_file, is_removed from {{ ref('int_current_bulletins') }} semi join to_build using (bulletin_id)
),

final as (
    select
        {{ span_id('beneficiaries.bulletin_id', 'beneficiaries.char_start', 'beneficiaries.char_end') }}
            as beneficiary_id,
        beneficiaries.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed as is_source_removed,
        beneficiaries.article_no,
        {{ article_id('beneficiaries.bulletin_id', 'beneficiaries.article_no') }} as article_id,
        beneficiaries.char_start,
        beneficiaries.char_end,
        beneficiaries.count_text,
        beneficiaries.beneficiary_count,
        beneficiaries.unit,
        beneficiaries.subject,
        beneficiaries.locality_code,
        beneficiaries.fiscal_year,
        amounts.amount_id,
        beneficiaries.sentence,
        {{ build_columns('to_build.build_key') }}
    from beneficiaries
    inner join bulletins using (bulletin_id)
    inner join to_build using (bulletin_id)
    left join amounts
        on beneficiaries.bulletin_id = amounts.bulletin_id
        and beneficiaries.amount_char_start = amounts.char_start
)

select * from final
