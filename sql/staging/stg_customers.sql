-- One row per active customer; the phone number is masked (personal data).
with

customers as (select * from customers),
supersessions as (select * from supersessions where kind = 'customers'),

final as (
    select
        customers.batch_id,
        customers.customer_id,
        customers.name,
        customers.region,
        customers.industry,
        mask_pii(customers.phone) as phone_masked,
    from customers
    anti join supersessions
        on supersessions.record_key = customers.customer_id
        and supersessions.old_batch_id = customers.batch_id
)

select * from final
