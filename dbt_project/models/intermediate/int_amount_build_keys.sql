-- fct_amount's build key: its bulletin's key plus a digest of its figures' spending columns. Those come from
-- int_spendable_amounts, a comparison across every figure of a locality, year and period, so a new bulletin
-- can change the role of an old bulletin's figure; folding them in rewrites exactly the bulletins whose
-- spending columns a fresh computation changes.
-- Incremental: a refresh digests again the bulletins whose own key changed and those int_spendable_amounts
-- computed again in this build (delete_outdated_spending_digests), not every figure.
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_spending_digests(ref('int_bulletin_build_keys'), ref('int_spendable_amounts')) }}"),
) }}

with to_build as (
    select bulletin_id, build_key from {{ ref('int_bulletin_build_keys') }}
    {% if is_incremental() %}anti join {{ this }} using (bulletin_id){% endif %}
),

spending as (
    select
        bulletin_id,
        md5(string_agg(
            concat_ws('|', amount_id, spending_role, addable_yuan, spending_note), chr(10) order by amount_id
        )) as spending_digest
    from {{ ref('int_spendable_amounts') }} semi join to_build using (bulletin_id)
    group by all
)

select
    to_build.bulletin_id,
    to_build.build_key as bulletin_build_key,
    md5(to_build.build_key || coalesce(spending.spending_digest, '')) as build_key
from to_build
left join spending using (bulletin_id)
