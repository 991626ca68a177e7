-- fct_amount's build key: its bulletin's key plus a digest of its figures' spending columns. Those come from
-- int_spendable_amounts, a comparison across every figure of a locality, year and period, so a new bulletin
-- can change the role of an old bulletin's figure; folding them in rewrites exactly the bulletins whose
-- spending columns a fresh computation changes.
{{ config(materialized='table') }}

with spending as (
    select
        bulletin_id,
        md5(string_agg(
            concat_ws('|', amount_id, spending_role, addable_yuan, spending_note), chr(10) order by amount_id
        )) as spending_digest
    from {{ ref('int_spendable_amounts') }}
    group by all
)

select keys.bulletin_id, md5(keys.build_key || coalesce(spending.spending_digest, '')) as build_key
from {{ ref('int_bulletin_build_keys') }} as keys
left join spending using (bulletin_id)
