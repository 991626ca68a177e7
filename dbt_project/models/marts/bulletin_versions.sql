-- The raw history: every text ever loaded, including versions that a modified file replaced.
-- Incremental, keyed by text (macros/incremental_marts.sql): a text's row is written again only when the
-- batch storing it changes or it becomes, or stops being, a current bulletin.
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook=before_begin("{{ delete_outdated_bulletins(version_build_keys()) }}"),
) }}

with to_build as (
    {{ bulletins_to_build(version_build_keys()) }}
),

current_bulletins as (
    select bulletin_id from {{ ref('int_bulletin_build_keys') }}
),

-- What the rows say besides the text, narrow: the texts join last, as the probe side of one join (joined
-- earlier, DuckDB built a hash table on them and ran out of memory at 100,000 bulletins).
versions as (
    select to_build.bulletin_id, to_build.build_key, current_bulletins.bulletin_id is not null as is_current
    from to_build
    left join current_bulletins using (bulletin_id)
)

select
    texts.bulletin_id,
    texts.first_source_file,
    texts.stored_at,
    length(texts.bulletin_text) as text_chars,
    versions.is_current,
    texts.bulletin_text,
    {{ build_columns('versions.build_key') }}
from {{ ref('stg_bulletin_texts') }} as texts
inner join versions using (bulletin_id)
