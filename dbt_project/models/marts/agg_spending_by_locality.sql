-- Spending by locality, year, period and function class, rolled up county -> prefecture -> province.
--
-- Spending means allocation + expenditure, and only amounts that are not a part of a total (the
-- total already holds its 其中 parts), not a repeat of another figure (a headline restating a body
-- figure, a table's 合计 restating the text), and not a table cell of an article whose running text
-- states spending (the table details it). Period is part of the grain, so a ten-month figure is never
-- added to a full-year one. An amount counts in the cell of its own locality and in the cells of
-- every locality enclosing it (dim_locality.parent_code): a county's parent is its prefecture, or
-- its province for municipal districts and 省直辖县; a prefecture's parent is its province.
-- Amounts without a locality cannot be placed and are left out.
-- Money passed on to named units: a part whose locality is not its total's (a prefecture's notice
-- 下达定远县1200万元) counts for its own unit, and its total keeps only the rest, so the county gets
-- its money and the prefecture, which encloses both, still counts it once.
with facts as (
    select * from {{ ref('fct_amount') }}
),

-- Articles whose running text states spending: their tables detail it (a township's share of the
-- allocation the notice states), so their cells are not added again.
articles_with_prose_spending as (
    select distinct article_id
    from facts
    where measure in ('allocation', 'expenditure') and table_row is null
),

amounts as (
    select amount_id, parent_amount_id, locality_code, fiscal_year, period, function_code, amount_yuan
    from facts
    where measure in ('allocation', 'expenditure')
        and locality_code is not null
        and repeats_amount_id is null
        and (table_row is null or article_id not in (select article_id from articles_with_prose_spending))
),

passed_on as (
    select part.amount_id, part.parent_amount_id, part.amount_yuan
    from amounts as part
    inner join amounts as total on part.parent_amount_id = total.amount_id
    where part.locality_code <> total.locality_code
        and total.parent_amount_id is null
),

spending as (
    select
        amounts.amount_id,
        amounts.locality_code,
        amounts.fiscal_year,
        amounts.period,
        amounts.function_code,
        amounts.amount_yuan - coalesce(passed.passed_yuan, 0) as amount_yuan
    from amounts
    left join (
        select parent_amount_id, sum(amount_yuan) as passed_yuan from passed_on group by parent_amount_id
    ) as passed on passed.parent_amount_id = amounts.amount_id
    where amounts.parent_amount_id is null
        or amounts.amount_id in (select amount_id from passed_on)
),

localities as (
    select locality_code, locality_name, locality_level, parent_code, province
    from {{ ref('dim_locality') }}
),

-- (amount, locality it counts for): itself, its parent, its parent's parent. Provinces have no
-- parent, so two steps reach the top from any level.
counted_for as (
    select amount_id, locality_code as rollup_code, true as is_own
    from spending
    union all
    select spending.amount_id, own.parent_code, false
    from spending
    inner join localities as own on spending.locality_code = own.locality_code
    where own.parent_code is not null
    union all
    select spending.amount_id, parent.parent_code, false
    from spending
    inner join localities as own on spending.locality_code = own.locality_code
    inner join localities as parent on own.parent_code = parent.locality_code
    where parent.parent_code is not null
),

cells as (
    select
        counted_for.rollup_code as locality_code,
        spending.fiscal_year,
        spending.period,
        spending.function_code,
        count(*) as amount_count,
        sum(spending.amount_yuan) as total_yuan,
        count(*) filter (where counted_for.is_own) as own_amount_count,
        coalesce(sum(spending.amount_yuan) filter (where counted_for.is_own), 0) as own_total_yuan
    from counted_for
    inner join spending on counted_for.amount_id = spending.amount_id
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
