with source as (
    select * from {{ source('ledger', 'bulletin_files') }}
),

renamed as (
    select
        source_file,
        content_sha256,
        bytes as file_bytes,
        encoding,
        status,
        reason,
        bulletin_id,
        chars as text_chars,
        duplicate_of,
        first_seen_at,
        changed_at,
        removed_at,
        removed_at is not null as is_removed,
        source_url,
        source_published,
        source_locality,
        source_title
    from source
)

select * from renamed
