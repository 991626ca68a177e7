with source as (
    select * from {{ source('reference', 'measures') }}
),

renamed as (
    select
        measure,
        measure_group
    from source
)

select * from renamed
