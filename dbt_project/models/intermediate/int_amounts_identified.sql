-- Give every amount its stable id, its program key, the id of the total it is part of and the id of
-- the figure it repeats (a headline or a table total stating a body figure again).
-- Incremental, keyed by extraction (macros/incremental_marts.sql): a bulletin's rows are a function of its
-- extraction batch alone, so a refresh identifies the amounts of the bulletins it extracted, and the models
-- after it read a table instead of joining every extracted amount to itself again (docs/scaling.md).
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(extraction_build_keys()) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(extraction_build_keys()) }}
),

-- Read twice rather than held: a full build's amounts do not fit DuckDB's memory limit at 100,000 bulletins.
amounts as not materialized (
    select * from {{ ref('stg_amounts') }} semi join to_build using (bulletin_id)
),

identified as (
    select
        {{ span_id('bulletin_id', 'char_start', 'char_end') }} as amount_id,
        *,
        case when program_name is not null then {{ program_id('program_name', 'function_code') }} end as program_id
    from amounts
),

-- Where each figure starts, to find a part's total and a repeat's original (narrow: three columns).
starts as not materialized (
    select bulletin_id, char_start, {{ span_id('bulletin_id', 'char_start', 'char_end') }} as amount_id
    from amounts
),

with_parent as (
    select
        child.*,
        parent.amount_id as parent_amount_id,
        repeated.amount_id as repeats_amount_id
    from identified as child
    left join starts as parent
        on child.bulletin_id = parent.bulletin_id
        and child.parent_char_start = parent.char_start
    left join starts as repeated
        on child.bulletin_id = repeated.bulletin_id
        and child.repeats_char_start = repeated.char_start
)

select
    with_parent.*,
    {{ build_columns('to_build.build_key') }}
from with_parent
inner join to_build using (bulletin_id)
