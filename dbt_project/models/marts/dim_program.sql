-- Programs as the bulletins name them, each mapped to one 类 of the functional classification
-- (or none when the money is not spending of one area). Read from fct_amount, a table: the figures of the
-- current bulletins, whose program_id it keys.
with amounts as (
    select program_id, program_name, function_code from {{ ref('fct_amount') }}
),

classes as (
    select * from {{ ref('stg_function_classes') }}
),

programs as (
    select
        program_id,
        any_value(program_name) as program_name,
        any_value(function_code) as function_code,
        count(*) as amount_count
    from amounts
    where program_id is not null
    group by program_id
),

final as (
    select
        programs.program_id,
        programs.program_name,
        programs.function_code,
        classes.function_name,
        programs.amount_count
    from programs
    left join classes using (function_code)
)

select * from final
