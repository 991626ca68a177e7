-- Give every amount its stable id, its program key, the id of the total it is part of and the id of
-- the figure it repeats (a headline or a table total stating a body figure again).
with amounts as (
    select * from {{ ref('stg_amounts') }}
),

identified as (
    select
        {{ span_id('bulletin_id', 'char_start', 'char_end') }} as amount_id,
        *,
        case when program_name is not null then {{ program_id('program_name', 'function_code') }} end as program_id
    from amounts
),

with_parent as (
    select
        child.*,
        parent.amount_id as parent_amount_id,
        repeated.amount_id as repeats_amount_id
    from identified as child
    left join identified as parent
        on child.bulletin_id = parent.bulletin_id
        and child.parent_char_start = parent.char_start
    left join identified as repeated
        on child.bulletin_id = repeated.bulletin_id
        and child.repeats_char_start = repeated.char_start
)

select * from with_parent
