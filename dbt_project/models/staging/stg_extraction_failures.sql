with source as (
    select * from {{ source('staging', 'extraction_failures') }}
),

renamed as (
    select
        bulletin_id,
        error as failure_reason
    from source
)

select * from renamed
