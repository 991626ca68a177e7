-- The bulletins the warehouse reports on: the text of each loaded file (one primary file per text),
-- including files since removed from the inbox (kept and marked until a user purges them), and
-- excluding texts the extractor failed on (those files show as quarantined in bulletin_files).
with files as (
    select * from {{ ref('stg_bulletin_files') }} where status = 'loaded'
),

extractions as (
    select * from {{ ref('stg_extractions') }} where extraction_status = 'ok'
),

texts as (
    select * from {{ ref('stg_bulletin_texts') }}
),

current_bulletins as (
    select
        files.bulletin_id,
        files.source_file,
        files.is_removed,
        files.removed_at,
        files.source_url,
        files.source_published,
        files.source_locality,
        files.source_title,
        texts.bulletin_text
    from files
    inner join extractions using (bulletin_id)
    inner join texts using (bulletin_id)
)

select * from current_bulletins
