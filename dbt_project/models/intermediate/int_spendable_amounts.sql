-- The one definition of spending you may add up; the roll-up mart, the report, the `make run` summary
-- and `fiscal` all read it through fct_amount.spending_role. Every amount gets a role:
--
--   class         spending of one functional class: add it to other class figures of the same
--                 fiscal year and period (of this locality or of others)
--   stated_total  the locality's own figure over several classes for a year and period (一般公共预算支出,
--                 民生支出 …): shown beside the sum of the class figures, never added to them
--   NULL          added nowhere; spending_note says why
--
-- addable_yuan is what a sum adds for the figure: its amount, less the parts a total passes on to
-- named units of other localities (a prefecture's notice 下达定远县1200万元: the county's part counts
-- for the county, and the prefecture's total keeps only the rest, so enclosing units count it once).
--
-- Evidence, strongest first: the measure (a threshold or a revenue is not spending), the link to a
-- total (a part is inside its total), the locality, year and period the figure is placed in (a figure
-- that cannot be placed in one locality, one year and one span of it cannot be added to anything).
-- A figure of no single class may cover the class figures beside it without being linked to them, so
-- the two are never summed: the widest such figure of a locality, year and period is its stated total,
-- unless a class figure of the same scope is larger (then it cannot be a total of that spending).
--
-- Incremental by scope (macros/incremental_marts.sql, delete_outdated_scopes): a refresh computes again the
-- figures of the bulletins it changed and every figure of the (locality, year, period) scopes those bulletins
-- touch, old or new, and keeps the rest; the result is what a full computation gives. fct_amount's build keys
-- and rows both read it.
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_scopes(ref('int_bulletin_build_keys'), ref('int_amounts_reviewed')) }}"),
) }}

with spending_measures as (
    select measure from {{ ref('stg_measures') }} where measure_group = 'spending'
),

{% if is_incremental() %}
-- The changed current bulletins (recorded by the pre-hook) and the scopes they touch.
changed_bulletins as (
    select bulletin_id from {{ built_keys_table() }} where computed_by_invocation = '{{ invocation_id }}'
),

scopes_to_build as (
    select locality_code, fiscal_year, period from {{ scopes_to_build_table() }}
),

-- Whole bulletins: whether a figure may be added reads its bulletin's other figures (its total, its parts,
-- its article's running text), whichever scope they fall in.
bulletins_to_read as (
    select bulletin_id from changed_bulletins
    union
    select bulletin_id from {{ ref('int_amounts_reviewed') }} semi join scopes_to_build using (locality_code, fiscal_year, period)
),
{% endif %}

-- The figures of current bulletins (int_amounts_reviewed holds no other bulletins; a unit test may).
amounts as (
    select amounts.* exclude (build_key, built_by_invocation)
    from {{ ref('int_amounts_reviewed') }} as amounts
    semi join {{ ref('int_bulletin_build_keys') }} as bulletins using (bulletin_id)
    {% if is_incremental() %}semi join bulletins_to_read using (bulletin_id){% endif %}
),

-- Articles whose running text states spending: their tables detail it (a township's share of the
-- allocation the notice states), so their cells are not added again.
articles_with_prose_spending as (
    select distinct article_id
    from amounts
    where measure in (select measure from spending_measures) and table_row is null
),

-- Parts of a spending total that go to a named unit other than the total's own locality.
passed_on as (
    select part.amount_id, part.parent_amount_id, part.amount_yuan
    from amounts as part
    inner join amounts as total on part.parent_amount_id = total.amount_id
    where part.locality_code <> total.locality_code
        and total.parent_amount_id is null
        and part.measure in (select measure from spending_measures)
        and total.measure in (select measure from spending_measures)
),

passed_per_total as (
    select parent_amount_id as amount_id, sum(amount_yuan) as passed_yuan
    from passed_on
    group by all
),

excluded as (
    select
        amounts.*,
        cast(amounts.amount_yuan - coalesce(passed_per_total.passed_yuan, 0) as decimal(24, 2)) as addable_yuan,
        case
            when measure is null or measure not in (select measure from spending_measures)
                then 'not spending: measure ' || coalesce(measure, 'unknown')
            when parent_amount_id is not null and amounts.amount_id not in (select amount_id from passed_on)
                then 'part of the total ' || parent_amount_id || ': counted within it, never beside it'
            when repeats_amount_id is not null then 'repeats ' || repeats_amount_id || ': counted there, never twice'
            when table_row is not null and article_id in (select article_id from articles_with_prose_spending)
                then 'table cell detailing spending its article states in the text: counted there'
            when locality_code is null then 'no locality: cannot be placed'
            when fiscal_year is null then 'no fiscal year: cannot be added to any year'
            -- unknown: extracted before periods were recorded; ytd: up to a month the text does not give
            when period in ('unknown', 'ytd', 'multi_year') then 'period ' || period || ' is not one span of one year'
        end as excluded_because
    from amounts
    left join passed_per_total on amounts.amount_id = passed_per_total.amount_id
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
        excluded.bulletin_id,
        excluded.locality_code,
        excluded.fiscal_year,
        excluded.period,
        roles.spending_role,
        excluded.addable_yuan,
        coalesce(roles.spending_note, excluded.excluded_because) as spending_note,
        '{{ invocation_id }}' as computed_by_invocation
    from excluded
    left join roles on excluded.amount_id = roles.amount_id
    {% if is_incremental() %}
    -- the other scopes of the bulletins read are partial here, and unchanged: their rows stay
    left join scopes_to_build as scopes
        on excluded.locality_code = scopes.locality_code
        and excluded.fiscal_year = scopes.fiscal_year
        and excluded.period = scopes.period
    where excluded.bulletin_id in (select bulletin_id from changed_bulletins) or scopes.locality_code is not null
    {% endif %}
)

select * from final
