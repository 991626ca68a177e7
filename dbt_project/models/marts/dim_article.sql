{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_bulletin_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_bulletin_build_keys')) }}
),

articles as (
    select * from {{ ref('stg_articles') }} semi join to_build using (bulletin_id)
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
        default_year,
        {{ build_columns('to_build.build_key') }}
    from articles
    inner join to_build using (bulletin_id)
)

select * from final
