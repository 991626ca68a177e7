with bulletins as (
    select * from {{ ref('int_current_bulletins') }}
),

articles as (
    select bulletin_id, count(*) as article_count from {{ ref('stg_articles') }} group by bulletin_id
),

amounts as (
    select bulletin_id, count(*) as amount_count from {{ ref('stg_amounts') }} group by bulletin_id
),

final as (
    select
        bulletins.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed,
        length(bulletins.bulletin_text) as text_chars,
        coalesce(articles.article_count, 0) as article_count,
        coalesce(amounts.amount_count, 0) as amount_count,
        bulletins.source_url,
        bulletins.source_published,
        bulletins.source_locality,
        bulletins.source_title,
        bulletins.bulletin_text
    from bulletins
    left join articles using (bulletin_id)
    left join amounts using (bulletin_id)
)

select * from final
