-- One row per customer with own responses to the questionnaire in the dates. The responses
-- are counted first (by month in filtered_customer_months: the customer_counts rollup when it
-- can answer) and the names joined after: one lookup per customer, not per response.
with

counted as (
    select customer_id, sum(responses)::bigint as responses,
    from {{filtered_customer_months}}
    group by customer_id
)

select counted.customer_id, customers.name as customer_name, counted.responses,
from counted
left join stg_customers as customers on customers.customer_id = counted.customer_id
order by counted.responses desc, counted.customer_id
