-- One row per file ever seen in the inbox. A loaded file whose text broke the extractor is
-- quarantined here, with the extractor's error as the reason, so no bulletin is ever silently lost.
-- Files removed from the inbox stay, marked, with their facts. A file whose text a check held back
-- (stg_holds) is held, with the check and the rows as the reason.
with files as (
    select * from {{ ref('stg_bulletin_files') }}
),

failures as (
    select * from {{ ref('stg_extractions') }} where extraction_status = 'failed'
),

holds as (
    select * from {{ ref('stg_holds') }}
),

shown as (
    select source_file, bulletin_id as shown_bulletin_id from {{ ref('int_current_bulletins') }}
),

final as (
    select
        files.source_file,
        files.content_sha256,
        files.file_bytes,
        files.encoding,
        case
            when failures.bulletin_id is not null and files.status = 'loaded' then 'quarantined'
            when holds.bulletin_id is not null and files.status = 'loaded' then 'held'
            else files.status
        end as status,
        case
            when failures.bulletin_id is not null and files.status = 'loaded' then failures.failure_reason
            when holds.bulletin_id is not null and files.status = 'loaded' then holds.hold_reason || case
                when shown.shown_bulletin_id is not null then '; its previous version stays published'
                else '; not published' end
            else files.reason
        end as reason,
        files.bulletin_id,
        files.text_chars,
        files.duplicate_of,
        files.is_removed,
        files.first_seen_at,
        files.changed_at,
        files.removed_at
    from files
    left join failures on files.bulletin_id = failures.bulletin_id
    left join holds on files.bulletin_id = holds.bulletin_id
    left join shown on files.source_file = shown.source_file
)

select * from final
