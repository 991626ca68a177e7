with source as (
    {{ live_batch_rows(source('batches', 'amounts')) }}
),

renamed as (
    select
        bulletin_id,
        {{ article_id('bulletin_id', 'article_no') }} as article_id,
        cast(article_no as integer) as article_no,
        char_start,
        char_end,
        amount_text,
        cast(amount_yuan as decimal(24, 2)) as amount_yuan,
        sentence,
        sentence_start,
        fiscal_year,
        locality_code,
        locality_evidence,
        program_name,
        function_code,
        function_evidence,
        measure,
        is_total,
        parent_char_start,
        -- Batches extracted before periods were recorded read as NULL: say 'unknown' rather than
        -- guess 'full_year', so an old ten-month figure is never summed as a whole year.
        coalesce(period, 'unknown') as period,
        header_unit,
        table_row,
        table_column,
        -- batches extracted before headlines were read hold no title figures
        coalesce(in_title, false) as in_title,
        repeats_char_start
    from source
)

select * from renamed
