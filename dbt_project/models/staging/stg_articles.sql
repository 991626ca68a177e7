with source as (
    {{ live_batch_rows(source('batches', 'articles')) }}
),

renamed as (
    select
        {{ article_id('bulletin_id', 'article_no') }} as article_id,
        bulletin_id,
        cast(article_no as integer) as article_no,
        nullif(title, '') as title,
        title_start,
        body_start,
        body_end,
        author_org,
        author_person,
        locality_code,
        locality_stable_code,
        locality_evidence,
        default_year
    from source
)

select * from renamed
