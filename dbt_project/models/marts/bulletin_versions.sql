-- The raw history: every text ever loaded, including versions that a modified file replaced.
with texts as (
    select * from {{ ref('stg_bulletin_texts') }}
),

current_bulletins as (
    select bulletin_id from {{ ref('int_current_bulletins') }}
)

select
    texts.bulletin_id,
    texts.first_source_file,
    texts.stored_at,
    length(texts.bulletin_text) as text_chars,
    current_bulletins.bulletin_id is not null as is_current,
    texts.bulletin_text
from texts
left join current_bulletins using (bulletin_id)
