-- The raw history: every text ever loaded, including versions that a modified file replaced.
-- Incremental, keyed by text (macros/incremental_marts.sql): a text's row is written again only when the
-- batch storing it changes or it becomes, or stops being, a current bulletin.
{{ config(
    materialized='incremental',
    on_schema_change='fail',
    pre_hook="{{ delete_outdated_bulletins(version_build_keys()) }}",
) }}

with to_build as (
    {{ bulletins_to_build(version_build_keys()) }}
),

texts as (
    select * from {{ ref('stg_bulletin_texts') }} semi join to_build using (bulletin_id)
),

current_bulletins as (
    select bulletin_id from {{ ref('int_bulletin_build_keys') }}
)

select
    texts.bulletin_id,
    texts.first_source_file,
    texts.stored_at,
    length(texts.bulletin_text) as text_chars,
    current_bulletins.bulletin_id is not null as is_current,
    texts.bulletin_text,
    {{ build_columns('to_build.build_key') }}
from texts
inner join to_build using (bulletin_id)
left join current_bulletins using (bulletin_id)
