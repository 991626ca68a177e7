{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(ref('int_bulletin_build_keys')) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(ref('int_bulletin_build_keys')) }}
),

ratios as (
    select * from {{ ref('stg_ratios') }} semi join to_build using (bulletin_id)
),

bulletins as (
    select bulletin_id, source_file, is_removed from {{ ref('int_current_bulletins') }} semi join to_build using (bulletin_id)
),

final as (
    select
        {{ span_id('ratios.bulletin_id', 'ratios.char_start', 'ratios.char_end') }} as ratio_id,
        ratios.bulletin_id,
        bulletins.source_file,
        bulletins.is_removed as is_source_removed,
        ratios.article_no,
        {{ article_id('ratios.bulletin_id', 'ratios.article_no') }} as article_id,
        ratios.char_start,
        ratios.char_end,
        ratios.percent_text,
        ratios.ratio_value,
        ratios.kind,
        ratios.of_what,
        ratios.base,
        ratios.locality_code,
        ratios.fiscal_year,
        ratios.period,
        ratios.sentence,
        {{ build_columns('to_build.build_key') }}
    from ratios
    inner join bulletins using (bulletin_id)
    inner join to_build using (bulletin_id)
)

select * from final
