with ratios as (
    select * from {{ ref('stg_ratios') }}
),

bulletins as (
    select bulletin_id, source_file, is_removed from {{ ref('int_current_bulletins') }}
),

final as (
    select
        {{ span_id('ratios.bulletin_id', 'ratios.char_start', 'ratios.char_end') }} as ratio_id,
        ratios.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed as is_source_removed,
        ratios.article_no,
        {{ article_id('ratios.bulletin_id', 'ratios.article_no') }} as article_id,
        ratios.char_start,
        ratios.char_end,
        ratios.percent_text,
        ratios.ratio_value,
        ratios.kind,
        ratios.of_what,
        ratios.base,
        ratios.locality_code,
        ratios.fiscal_year,
        ratios.period,
        ratios.sentence
    from ratios
    inner join bulletins using (bulletin_id)
)

select * from final
