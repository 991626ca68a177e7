{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_bulletin_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_bulletin_build_keys')) }}
),

bulletins as (
    select * from {{ ref('int_current_bulletins') }} semi join to_build using (bulletin_id)
),

articles as (
    select bulletin_id, count(*) as article_count from {{ ref('stg_articles') }} semi join to_build using (bulletin_id) group by bulletin_id
),

amounts as (
    select bulletin_id, count(*) as amount_count from {{ ref('stg_amounts') }} semi join to_build using (bulletin_id) group by bulletin_id
),

final as (
    select
        bulletins.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed,
        length(texts.bulletin_text) as text_chars,
        coalesce(articles.article_count, 0) as article_count,
        coalesce(amounts.amount_count, 0) as amount_count,
        bulletins.source_url,
        bulletins.source_published,
        bulletins.source_locality,
        bulletins.source_title,
        texts.bulletin_text,
        {{ build_columns('to_build.build_key') }}
    from bulletins
    inner join to_build using (bulletin_id)
    left join articles using (bulletin_id)
    left join amounts using (bulletin_id)
    -- last, and only the texts of the bulletins built (which side DuckDB hashes follows the row counts)
    inner join {{ texts_of_bulletins('to_build') }} as texts using (bulletin_id)
)

select * from final
