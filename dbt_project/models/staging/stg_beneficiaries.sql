with source as (
    {{ live_batch_rows(source('batches', 'beneficiaries')) }}
),

renamed as (
    select
        bulletin_id,
        cast(article_no as integer) as article_no,
        char_start,
        char_end,
        count_text,
        cast(value as decimal(18, 2)) as beneficiary_count,
        unit,
        subject,
        sentence,
        fiscal_year,
        locality_code,
        amount_char_start
    from source
)

select * from renamed
