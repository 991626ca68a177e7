-- Where each span of a stored text came from in its file (orchestration/ingest/formats): the rows of the
-- batch the texts ledger names for the text, so a batch left by a killed run is ignored.
with source as (
    select * from {{ source('batches', 'text_parts') }}
),

ledger as (
    select * from {{ source('ledger', 'texts') }}
),

renamed as (
    select
        source.bulletin_id,
        source.char_start,
        source.char_end,
        source.kind as part_kind,
        source.page,
        source.paragraph,
        source.table_no,
        source.sheet,
        source.cell,
        source.row_label,
        source.column_header,
        source.location
    from source
    inner join ledger
        on source.bulletin_id = ledger.bulletin_id
        and source.batch_id = ledger.batch_id
)

select * from renamed
