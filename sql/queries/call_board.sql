-- One row per call of the plans of the user's regions: an agent's own only ($agent, set for
-- agents by the dashboard), optionally one plan ($qid, $month) or one call ($call). Open calls
-- first, the oldest callback appointment first, then the untried in customer order.
select
    calls.call_id,
    calls.questionnaire_id,
    calls.plan_month,
    calls.customer_id,
    customers.name as customer_name,
    customers.phone_masked,
    customers.region,
    calls.reasons,
    calls.assigned_to,
    calls.attempts,
    calls.last_outcome,
    calls.status,
    calls.callback_at,
    calls.max_attempts,
    calls.updated_at,
from call_plan as calls
left join stg_customers as customers using (customer_id)
where in_regions(customers.region, $regions::varchar[])
    and ($agent::varchar is null or calls.assigned_to = $agent)
    and ($qid::varchar is null or calls.questionnaire_id = $qid)
    and ($month::date is null or calls.plan_month = $month)
    and ($call::varchar is null or calls.call_id = $call)
order by calls.status <> 'open', calls.callback_at nulls last, calls.plan_month, calls.customer_id
limit 5000
