with source as (
    select * from {{ source('ledger', 'extractions') }}
),

renamed as (
    select
        bulletin_id,
        batch_id,
        extractor_version,
        status as extraction_status,
        error as failure_reason,
        extracted_at
    from source
)

select * from renamed
