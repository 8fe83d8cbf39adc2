-- The corrective actions on a complaint case's cause (source complaint), for its customer or
-- company-wide, newest first, with their status and verified effect: what the case led to.
select
    actions.action_id,
    actions.title,
    actions.status,
    case when $regions::varchar[] is null then effect.verdict end as verdict,
    actions.due_date,
    actions.responsible_dept,
from v_actions as actions
left join v_action_effect as effect on effect.action_id = actions.action_id
left join stg_customers as customers on customers.customer_id = actions.customer_id
where actions.source = 'complaint'
    and (actions.customer_id = $customer or actions.customer_id is null)
    and actions.cause_category = $category
    and coalesce(actions.cause, '') = coalesce($cause, '')
    and (actions.customer_id is null or in_regions(customers.region, $regions::varchar[]))
order by actions.created_at desc, actions.action_id
