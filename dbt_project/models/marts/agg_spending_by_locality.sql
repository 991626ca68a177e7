-- Spending by locality, year, period and function class, rolled up county -> prefecture -> province.
--
-- Which figures may be added, and how much of each (addable_yuan: a total less the parts it passes on
-- to named units of other localities), is decided once, in int_spendable_amounts (fct_amount.spending_role):
-- class figures fill the cells of their class; a locality's stated total (its figure over several
-- classes, e.g. 一般公共预算支出) fills the cell with function_code NULL, at most one per locality, year
-- and period, so that it stands beside the class cells and is never added to them. Year and period are
-- part of the grain, so a ten-month figure is never added to a full-year one. An amount counts in the
-- cell of its own locality and in the cells of every locality enclosing it (dim_locality.parent_code):
-- a county's parent is its prefecture, or its province for municipal districts and 省直辖县; a
-- prefecture's parent is its province.
with spending as (
    select locality_code, fiscal_year, period, function_code, addable_yuan as amount_yuan
    from {{ ref('fct_amount') }}
    where spending_role in ('class', 'stated_total')
),

localities as (
    select locality_code, locality_name, locality_level, parent_code, province
    from {{ ref('dim_locality') }}
),

-- Each figure once for the locality it is stated for and once for each locality enclosing it: its parent, its
-- parent's parent (provinces have no parent, so two steps reach the top from any level). Each row carries what
-- the cells add, so no join goes back to the figures by id (a full table, read in narrow columns: half the time).
counted_for as (
    select spending.*, spending.locality_code as rollup_code, true as is_own
    from spending
    union all
    select spending.*, own.parent_code, false
    from spending
    inner join localities as own on spending.locality_code = own.locality_code
    where own.parent_code is not null
    union all
    select spending.*, parent.parent_code, false
    from spending
    inner join localities as own on spending.locality_code = own.locality_code
    inner join localities as parent on own.parent_code = parent.locality_code
    where parent.parent_code is not null
),

cells as (
    select
        rollup_code as locality_code,
        fiscal_year,
        period,
        function_code,
        count(*) as amount_count,
        sum(amount_yuan) as total_yuan,
        count(*) filter (where is_own) as own_amount_count,
        coalesce(sum(amount_yuan) filter (where is_own), 0) as own_total_yuan
    from counted_for
    group by all
),

final as (
    select
        localities.locality_level,
        cells.locality_code,
        localities.locality_name,
        localities.province,
        cells.fiscal_year,
        cells.period,
        cells.function_code,
        classes.function_name,
        cast(cells.amount_count as bigint) as amount_count,
        cast(cells.total_yuan as decimal(24, 2)) as total_yuan,
        cast(cells.own_amount_count as bigint) as own_amount_count,
        cast(cells.own_total_yuan as decimal(24, 2)) as own_total_yuan
    from cells
    inner join localities on cells.locality_code = localities.locality_code
    left join {{ ref('dim_function_class') }} as classes on cells.function_code = classes.function_code
)

select * from final
