-- One row per active planned follow-up contact, with the customer's segment (in the year of
-- the contact) and region. A call of the call plan is one planned contact however many
-- attempts it took: its latest attempt's date and agent, completed when an attempt was,
-- refused when one was, otherwise unreached (so far, while it is open). reached: the customer
-- answered the call (completed or refused), the one definition the follow-up KPIs count.
with

contacts as (select * from stg_contacts),
attempts as (select * from stg_call_attempts),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

calls as (
    select
        call_id as contact_id,
        any_value(customer_id) as customer_id,
        max(contact_date) as contact_date,
        arg_max(scope, attempt) as scope,
        arg_max(channel, attempt) as channel,
        case
            when bool_or(outcome = 'completed') then 'completed'
            when bool_or(outcome = 'refused') then 'refused'
            else 'unreached'
        end as outcome,
        arg_max(agent, attempt) as agent,
    from attempts
    group by call_id
),

planned as (
    select contact_id, customer_id, contact_date, scope, channel, outcome, agent,
    from contacts
    where call_id is null
    union all
    select * from calls
),

final as (
    select
        planned.*,
        planned.outcome in ('completed', 'refused') as reached,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
    from planned
    left join revenue
        on revenue.customer_id = planned.customer_id
        and revenue.year = year(planned.contact_date)
    left join customers on customers.customer_id = planned.customer_id
)

select * from final
