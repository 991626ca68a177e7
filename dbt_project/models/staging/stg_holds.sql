with source as (
    select * from {{ source('ledger', 'holds') }}
),

renamed as (
    select
        bulletin_id,
        check_name,
        reason as hold_reason,
        held_at
    from source
)

select * from renamed
