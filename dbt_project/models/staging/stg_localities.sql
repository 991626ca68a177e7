with source as (
    select * from {{ source('reference', 'localities') }}
),

renamed as (
    select
        code as locality_code,
        name as locality_name,
        level as locality_level,
        parent_code,
        province,
        prefecture,
        valid_from_year,
        valid_to_year,
        stable_code,
        former_names
    from source
)

select * from renamed
