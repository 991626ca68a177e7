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
        -- sources.csv wins field by field; what the file says about itself (a web page) fills the rest
        coalesce(source_url, page_url) as source_url,
        coalesce(source_published, page_published) as source_published,
        source_locality,
        coalesce(source_title, page_title) as source_title
    from source
)

select * from renamed
