with source as (
    select * from {{ source('reference', 'periods') }}
),

renamed as (
    select
        period,
        covers_whole_year
    from source
)

select * from renamed
