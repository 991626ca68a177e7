with articles as (
    select * from {{ ref('stg_articles') }}
),

final as (
    select
        article_id,
        bulletin_id,
        article_no,
        title,
        title_start,
        body_start,
        body_end,
        author_org,
        author_person,
        locality_code,
        locality_evidence,
        default_year
    from articles
    semi join {{ ref('int_current_bulletins') }} using (bulletin_id)
)

select * from final
