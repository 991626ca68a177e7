-- One build key per current bulletin: a digest of everything its rows in the incremental marts derive from,
-- besides the dbt project and the reference data (a change to those rebuilds every mart in full, decided by
-- the pipeline: orchestration/warehouse/build_state.py). A mart keeps a bulletin's rows while its key is
-- unchanged; a changed key, or a bulletin that left the warehouse (purged, held back, replaced by a newer
-- version of its file, failed extraction), deletes them, and the rows are built again from the new state.
--
-- What goes in, all ledger-sized (no fact rows are read):
--   the text (bulletin_id is its hash) and the batch that stores it and its text parts
--   the extraction: its batch and the extractor version
--   the file it is shown as: name, removal, the source metadata (sources.csv, the page's own)
--   the analysts' corrections naming it, as written (their status depends only on this bulletin's own
--   text and figures, and on reference data)
-- A held bulletin is not current, so it has no key: its rows go.
-- A table: four marts read it twice each (their pre-hook and their rows).
{{ config(materialized='table') }}

with bulletins as (
    select
        bulletin_id, source_file, is_removed, removed_at, source_url, source_published, source_locality, source_title
    from {{ ref('int_current_bulletins') }}
),

extractions as (
    select bulletin_id, batch_id as extraction_batch_id, extractor_version
    from {{ ref('stg_extractions') }}
    where extraction_status = 'ok'
),

stored_texts as (
    select bulletin_id, batch_id as text_batch_id from {{ source('ledger', 'texts') }}
),

corrections as (
    select
        bulletin_id,
        string_agg(
            concat_ws('|', row_no, char_start, char_end, field, value, who, corrected_at, why, span_text,
                format_problem, added_amount_yuan),
            chr(10) order by row_no
        ) as corrections_written
    from {{ ref('stg_corrections') }}
    group by bulletin_id
)

select
    bulletins.bulletin_id,
    md5(concat_ws(chr(31),
        bulletins.bulletin_id, stored_texts.text_batch_id, extractions.extraction_batch_id,
        extractions.extractor_version, bulletins.source_file, bulletins.is_removed, bulletins.removed_at,
        bulletins.source_url, bulletins.source_published, bulletins.source_locality, bulletins.source_title,
        corrections.corrections_written
    )) as build_key
from bulletins
left join extractions using (bulletin_id)
left join stored_texts using (bulletin_id)
left join corrections using (bulletin_id)
