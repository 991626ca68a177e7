-- Every administrative division code in the reference data (1980-2024), with the years it was
-- valid and the stable code of the same unit today: facts carry the code valid in their own year.
with localities as (
    select * from {{ ref('stg_localities') }}
),

final as (
    select
        locality_code,
        locality_name,
        locality_level,
        parent_code,
        province,
        prefecture,
        valid_from_year,
        valid_to_year,
        stable_code,
        former_names
    from localities
)

select * from final
