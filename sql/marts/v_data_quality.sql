-- One row per kind x check: active records that load but point at nothing (uploads come in
-- any order): customer ids without a customers row, complaint dimensions no questionnaire has.
with

customers as (select customer_id from stg_customers),
dimensions as (select distinct dimension_id from q_dimensions),

checks as (
    select 'survey' as kind, 'unknown_customer' as check_name, count(*) as records,
        count(*) filter (where customer_id not in (select customer_id from customers)) as affected,
    from stg_responses
    union all
    select 'complaints', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_complaints
    union all
    select 'complaints', 'unknown_dimension', count(*),
        count(*) filter (
            where dimension_id is not null
            and dimension_id not in (select dimension_id from dimensions)
        ),
    from stg_complaints
    union all
    select 'sales', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_sales
    union all
    select 'contacts', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_contacts
    union all
    select 'services', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_services
),

final as (
    select kind, check_name, records, affected, pct(affected, records) as affected_pct,
    from checks
)

select * from final
