-- One row per active planned follow-up contact, with the customer's segment (in the year of
-- the contact) and region.
with

contacts as (select * from stg_contacts),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

final as (
    select
        contacts.*,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
    from contacts
    left join revenue
        on revenue.customer_id = contacts.customer_id
        and revenue.year = year(contacts.contact_date)
    left join customers on customers.customer_id = contacts.customer_id
)

select * from final
