-- Give every amount its stable id, its program key and the id of the total it is part of.
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
        parent.amount_id as parent_amount_id
    from identified as child
    left join identified as parent
        on child.bulletin_id = parent.bulletin_id
        and child.parent_char_start = parent.char_start
)

select * from with_parent
