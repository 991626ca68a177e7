-- What happened to each file, refresh by refresh: new, changed, removed, restored.
with events as (
    select * from {{ ref('stg_file_events') }}
)

select
    source_file,
    event,
    observed_at,
    content_sha256,
    bulletin_id,
    status,
    reason,
    run_id
from events
