with source as (
    {{ live_batch_rows(source('staging', 'skipped_spans')) }}
),

renamed as (
    select
        bulletin_id,
        char_start,
        char_end,
        span_text,
        reason
    from source
)

select * from renamed
