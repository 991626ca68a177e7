with source as (
    {{ live_batch_rows(source('batches', 'skipped_spans')) }}
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
