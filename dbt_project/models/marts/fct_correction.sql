-- Every analyst's correction, in file order, with what became of it (applied, or why not): the audit
-- trail `fiscal status`, the checks and `fiscal export-gold` read.
with corrections as (
    select * from {{ ref('int_corrections') }}
),

final as (
    select
        row_no,
        amount_id,
        bulletin_id,
        source_file,
        char_start,
        char_end,
        span_text,
        field,
        value,
        who,
        corrected_at,
        why,
        status,
        status_reason,
        suggested_amount_id
    from corrections
)

select * from final
