with source as (
    select * from {{ source('batches', 'file_events') }}
),

renamed as (
    select
        source_file,
        event,
        content_sha256,
        bulletin_id,
        status,
        reason,
        observed_at,
        run_id
    from source
)

select * from renamed
