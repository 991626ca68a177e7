with source as (
    select * from {{ source('reference', 'function_classes') }}
),

renamed as (
    select
        function_code,
        function_name
    from source
)

select * from renamed
