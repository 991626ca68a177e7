-- Every text ever stored, once: the texts ledger names the batch that holds it, so a batch left by
-- a killed run (not in the ledger) is ignored.
with source as (
    select * from {{ source('batches', 'texts') }}
),

ledger as (
    select * from {{ source('ledger', 'texts') }}
),

renamed as (
    select
        source.bulletin_id,
        source.source_file as first_source_file,
        source.text as bulletin_text,
        ledger.stored_at
    from source
    inner join ledger
        on source.bulletin_id = ledger.bulletin_id
        and source.batch_id = ledger.batch_id
)

select * from renamed
