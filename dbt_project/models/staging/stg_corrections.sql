-- The analysts' corrections as the refresh read them (orchestration/corrections.py), one row per decision
-- in file order: later rows for the same figure and field win.
with source as (
    select * from {{ source('ledger', 'corrections') }}
),

renamed as (
    select
        row_no,
        bulletin_id,
        char_start,
        char_end,
        field,
        value,
        nullif(who, '') as who,
        nullif(corrected_at, '') as corrected_at,
        nullif(why, '') as why,
        span_text,
        format_problem,
        added_amount_yuan
    from source
)

select * from renamed
