-- One row per file in the inbox. A loaded file whose text broke the extractor is quarantined here,
-- with the extractor's error as the reason, so no bulletin is ever silently lost.
with files as (
    select * from {{ ref('stg_bulletin_files') }}
),

failures as (
    select * from {{ ref('stg_extraction_failures') }}
),

final as (
    select
        files.source_file,
        files.content_sha256,
        files.file_bytes,
        files.encoding,
        case when failures.bulletin_id is not null and files.status = 'loaded' then 'quarantined'
            else files.status end as status,
        case when failures.bulletin_id is not null and files.status = 'loaded' then failures.failure_reason
            else files.reason end as reason,
        files.bulletin_id,
        files.text_chars,
        files.duplicate_of
    from files
    left join failures on files.bulletin_id = failures.bulletin_id
)

select * from final
