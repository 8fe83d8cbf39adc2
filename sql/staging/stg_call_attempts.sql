-- One row per active attempt of a call of the call plan (a contacts row with a call_id), with
-- when it was recorded (its batch's load time) and its number among the call's attempts.
with

contacts as (select * from stg_contacts where call_id is not null),
batches as (select batch_id, loaded_at from batches),

final as (
    select
        contacts.*,
        batches.loaded_at as recorded_at,
        row_number() over (
            partition by contacts.call_id
            order by coalesce(contacts.contacted_at, contacts.contact_date::timestamp), contacts.contact_id
        ) as attempt,
    from contacts
    left join batches using (batch_id)
)

select * from final
