with classes as (
    select * from {{ ref('stg_function_classes') }}
)

select function_code, function_name from classes
