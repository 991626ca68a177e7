-- The one definition of spending you may add up; the roll-up mart, the report, the `make run` summary
-- and `fiscal` all read it through fct_amount.spending_role. Every amount gets a role:
--
--   class         spending of one functional class: add it to other class figures of the same
--                 fiscal year and period (of this locality or of others)
--   stated_total  the locality's own figure over several classes for a year and period (一般公共预算支出,
--                 民生支出 …): shown beside the sum of the class figures, never added to them
--   NULL          added nowhere; spending_note says why
--
-- Evidence, strongest first: the measure (a threshold or a revenue is not spending), the link to a
-- total (a part is inside its total), the locality, year and period the figure is placed in (a figure
-- that cannot be placed in one locality, one year and one span of it cannot be added to anything).
-- A figure of no single class may cover the class figures beside it without being linked to them, so
-- the two are never summed: the widest such figure of a locality, year and period is its stated total,
-- unless a class figure of the same scope is larger (then it cannot be a total of that spending).
with amounts as (
    select amounts.*
    from {{ ref('int_amounts_identified') }} as amounts
    inner join {{ ref('int_current_bulletins') }} as bulletins on amounts.bulletin_id = bulletins.bulletin_id
),

excluded as (
    select
        *,
        case
            when coalesce(measure, 'other') not in ('allocation', 'expenditure')
                then 'not spending: measure ' || coalesce(measure, 'unknown')
            when parent_amount_id is not null then 'part of the total ' || parent_amount_id || ': counted within it, never beside it'
            -- A headline figure repeating a body figure (adds the `figures` branch's column):
            -- when repeats_amount_id is not null then 'repeats ' || repeats_amount_id || ': counted there, never twice'
            when locality_code is null then 'no locality: cannot be placed'
            when fiscal_year is null then 'no fiscal year: cannot be added to any year'
            -- unknown: extracted before periods were recorded; ytd: up to a month the text does not give
            when period in ('unknown', 'ytd', 'multi_year') then 'period ' || period || ' is not one span of one year'
        end as excluded_because
    from amounts
),

-- The figures that may be added, with what they are compared with in their locality, year and period.
scoped as (
    select
        amount_id,
        function_code,
        amount_yuan,
        max(amount_yuan) filter (where function_code is not null) over scope as largest_class_yuan,
        row_number() over (
            partition by locality_code, fiscal_year, period, function_code is null
            order by amount_yuan desc, amount_id
        ) as rank_in_scope,
        first_value(amount_id) over (
            partition by locality_code, fiscal_year, period, function_code is null
            order by amount_yuan desc, amount_id
        ) as widest_amount_id
    from excluded
    where excluded_because is null
    window scope as (partition by locality_code, fiscal_year, period)
),

roles as (
    select
        amount_id,
        case
            when function_code is not null then 'class'
            when rank_in_scope = 1 and amount_yuan >= coalesce(largest_class_yuan, 0) then 'stated_total'
        end as spending_role,
        case
            when function_code is not null
                then 'class figure: adds to other class figures of the same year and period'
            when rank_in_scope = 1 and amount_yuan >= coalesce(largest_class_yuan, 0)
                then 'stated total of its locality, year and period: shown beside the sum of class figures, never added to it'
            when rank_in_scope = 1
                then 'no single class, and smaller than a class figure of its locality, year and period: not a total'
            else 'no single class, and not the widest such figure of its locality, year and period ('
                || widest_amount_id || '): may overlap it'
        end as spending_note
    from scoped
),

final as (
    select
        excluded.amount_id,
        roles.spending_role,
        coalesce(roles.spending_note, excluded.excluded_because) as spending_note
    from excluded
    left join roles on excluded.amount_id = roles.amount_id
)

select * from final
