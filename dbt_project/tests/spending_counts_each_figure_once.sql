-- The totals the roll-up shows never mix years or periods and never count a figure twice. Rows
-- returned are violations:
--   cell_differs         a cell's own figures are not exactly the figures of its locality, year, period
--                        and class (a figure of another year or period got in, or one is missing)
--   counted_with_total   a figure counted beside the total it is a part of (a part passed on to another
--                        locality counts for that locality, and its total keeps only the rest: allowed)
--   two_stated_totals    a locality, year and period with more than one stated total
--   counted_twice        the own cells together hold a figure more than once
{{ config(meta={'dagster': {'ref': {'name': 'agg_spending_by_locality'}}}) }}

with counted as (
    select * from {{ ref('fct_amount') }} where spending_role is not null
),

expected as (
    select locality_code, fiscal_year, period, function_code, count(*) as n, sum(addable_yuan) as yuan
    from counted
    group by all
),

own_cells as (
    select locality_code, fiscal_year, period, function_code, own_amount_count as n, own_total_yuan as yuan
    from {{ ref('agg_spending_by_locality') }}
    where own_amount_count > 0
),

cell_differs as (
    select 'cell_differs' as violation, coalesce(e.locality_code, o.locality_code) as locality_code,
        coalesce(e.fiscal_year, o.fiscal_year) as fiscal_year, coalesce(e.period, o.period) as period
    from expected as e
    full outer join own_cells as o
        on e.locality_code = o.locality_code
        and e.fiscal_year = o.fiscal_year
        and e.period = o.period
        and e.function_code is not distinct from o.function_code
    where e.n is distinct from o.n or e.yuan is distinct from o.yuan
),

counted_with_total as (
    select 'counted_with_total', part.locality_code, part.fiscal_year, part.period
    from counted as part
    inner join counted as total on part.parent_amount_id = total.amount_id
    where part.locality_code = total.locality_code
),

two_stated_totals as (
    select 'two_stated_totals', locality_code, fiscal_year, period
    from counted
    where spending_role = 'stated_total'
    group by all
    having count(*) > 1
),

counted_twice as (
    select 'counted_twice', null, null, null
    from (select sum(n) as n from own_cells)
    where n <> (select count(*) from counted)
)

select * from cell_differs
union all select * from counted_with_total
union all select * from two_stated_totals
union all select * from counted_twice
