-- The bulletins the warehouse reports on: the text (its id) of each loaded file (one primary file per text),
-- including files since removed from the inbox (kept and marked until a user purges them), and
-- excluding texts the extractor failed on (those files show as quarantined in bulletin_files).
-- A text held back by a check (stg_holds) is left out; its file then shows its newest earlier text
-- that is extracted and not held, if it has one (the previous version stays published).
with files as (
    select * from {{ ref('stg_bulletin_files') }} where status = 'loaded'
),

extractions as (
    select * from {{ ref('stg_extractions') }} where extraction_status = 'ok'
),

stored_texts as (
    select bulletin_id from {{ ref('stg_bulletin_texts') }}
),

holds as (
    select * from {{ ref('stg_holds') }}
),

earlier_versions as (
    select events.source_file, events.bulletin_id, max(events.observed_at) as observed_at
    from {{ ref('stg_file_events') }} as events
    inner join files using (source_file)
    where events.bulletin_id is not null and events.bulletin_id <> files.bulletin_id
    group by all
),

candidates as (
    select source_file, bulletin_id, 0 as age, null::timestamp as observed_at from files
    union all
    select source_file, bulletin_id, 1 as age, observed_at from earlier_versions
),

current_bulletins as (
    select
        candidates.bulletin_id,
        candidates.age,
        files.source_file,
        files.is_removed,
        files.removed_at,
        files.source_url,
        files.source_published,
        files.source_locality,
        files.source_title
    from candidates
    inner join files using (source_file)
    inner join extractions on candidates.bulletin_id = extractions.bulletin_id
    semi join stored_texts on candidates.bulletin_id = stored_texts.bulletin_id
    anti join holds on candidates.bulletin_id = holds.bulletin_id
    qualify row_number() over (
        partition by candidates.source_file order by candidates.age, candidates.observed_at desc
    ) = 1
),

-- A text is reported once even if it is one file's current and another's earlier version.
reported as (
    select * exclude (age, version_rank) from (
        select *, row_number() over (partition by bulletin_id order by age, source_file) as version_rank
        from current_bulletins
    )
    where version_rank = 1
)

-- No texts: a model that needs some reads those of its bulletins only (texts_of_bulletins), joined last; every
-- text read here cost each reader a scan of every batch (1.2 GB at 100,000 bulletins).
select * from reported
