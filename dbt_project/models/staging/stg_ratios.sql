with source as (
    {{ live_batch_rows(source('batches', 'ratios')) }}
),

renamed as (
    select
        bulletin_id,
        cast(article_no as integer) as article_no,
        char_start,
        char_end,
        percent_text,
        cast(value as decimal(12, 4)) as ratio_value,
        kind,
        of_what,
        base,
        sentence,
        fiscal_year,
        locality_code,
        -- NULL in batches extracted before periods were recorded: 'unknown', never a guess.
        coalesce(period, 'unknown') as period
    from source
)

select * from renamed
