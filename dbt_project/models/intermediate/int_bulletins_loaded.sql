-- Loaded bulletins whose extraction succeeded; a bulletin that broke the extractor is excluded here
-- and shown as quarantined in the bulletin_files mart.
with texts as (
    select * from {{ ref('stg_bulletin_texts') }}
),

failures as (
    select * from {{ ref('stg_extraction_failures') }}
),

loaded as (
    select texts.*
    from texts
    anti join failures using (bulletin_id)
)

select * from loaded
