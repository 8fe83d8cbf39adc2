-- One row per active planned follow-up contact.
with

contacts as (select * from contacts),
supersessions as (select * from supersessions where kind = 'contacts'),

final as (
    select contacts.* exclude (source_row),
    from contacts
    anti join supersessions
        on supersessions.record_key = contacts.contact_id
        and supersessions.old_batch_id = contacts.batch_id
)

select * from final
