-- Every roll-up cell = the amounts stated for its locality itself + the cells of the localities
-- directly below it (same year, period and function class). Rows returned are cells that do not add up.
-- Shown in Dagster as a check on the roll-up (it also reads dim_locality).
{{ config(meta={'dagster': {'ref': {'name': 'agg_spending_by_locality'}}}) }}

with cells as (
    select * from {{ ref('agg_spending_by_locality') }}
),

localities as (
    select locality_code, parent_code from {{ ref('dim_locality') }}
),

children as (
    select
        localities.parent_code as locality_code,
        cells.fiscal_year,
        cells.period,
        cells.function_code,
        sum(cells.amount_count) as child_amount_count,
        sum(cells.total_yuan) as child_total_yuan
    from cells
    inner join localities on cells.locality_code = localities.locality_code
    where localities.parent_code is not null
    group by all
)

select cells.*, children.child_amount_count, children.child_total_yuan
from cells
left join children
    on cells.locality_code = children.locality_code
    and cells.fiscal_year is not distinct from children.fiscal_year
    and cells.period = children.period
    and cells.function_code is not distinct from children.function_code
where cells.amount_count <> cells.own_amount_count + coalesce(children.child_amount_count, 0)
    or cells.total_yuan <> cells.own_total_yuan + coalesce(children.child_total_yuan, 0)
