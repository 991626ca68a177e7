-- One row per file ever seen in the inbox. A loaded file whose text broke the extractor is
-- quarantined here, with the extractor's error as the reason, so no bulletin is ever silently lost.
-- Files removed from the inbox stay, marked, with their facts.
with files as (
    select * from {{ ref('stg_bulletin_files') }}
),

failures as (
    select * from {{ ref('stg_extractions') }} where extraction_status = 'failed'
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
        files.duplicate_of,
        files.is_removed,
        files.first_seen_at,
        files.changed_at,
        files.removed_at
    from files
    left join failures on files.bulletin_id = failures.bulletin_id
)

select * from final
