-- One row per open complaint case of the customer of call $call, for the call's agent ($agent;
-- an admin any call): the agent knows what is still open before asking.
with

call as (
    select calls.*,
    from call_plan as calls
    left join stg_customers as customers using (customer_id)
    where calls.call_id = $call and ($agent::varchar is null or calls.assigned_to = $agent)
        and in_regions(customers.region, $regions::varchar[])
)

select cases.complaint_id, cases.received_at, cases.status, cases.cause, cases.responsible_dept,
from complaint_service as cases
join call using (customer_id)
where cases.status <> 'closed'
order by cases.received_at desc
