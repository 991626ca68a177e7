with source as (
    select * from {{ source('staging', 'bulletin_texts') }}
),

renamed as (
    select
        bulletin_id,
        source_file,
        text as bulletin_text
    from source
)

select * from renamed
