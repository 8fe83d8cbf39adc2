-- One row per corrective action (newest version) with its verdict and windows, overdue first,
-- then by due date.
select
    actions.action_id,
    actions.title,
    actions.status,
    -- The verdict counts every region's responses: not for a user limited to regions.
    case when $regions::varchar[] is null then effect.verdict end as verdict,
    actions.is_overdue,
    actions.days_open,
    actions.due_date,
    actions.responsible_dept,
    actions.owner,
    actions.source,
    actions.questionnaire_id,
    actions.item_id,
    actions.dimension_id,
    actions.cause_category,
    actions.cause,
    actions.scope,
    actions.customer_id,
    actions.plan,
    actions.created_at,
    actions.reviewed_at,
    actions.approved_at,
    actions.approved_by,
    actions.customer_informed_at,
    actions.done_at,
    actions.cancelled_at,
    actions.follows,
    actions.versions,
    actions.updated_at,
    actions.changed_by,
from v_actions as actions
left join v_action_effect as effect on effect.action_id = actions.action_id
-- A user limited to regions sees actions about no one customer or about their customers.
left join stg_customers as customers on customers.customer_id = actions.customer_id
where (actions.customer_id is null or in_regions(customers.region, $regions::varchar[]))
    and ($dept::varchar is null or actions.responsible_dept = $dept)  -- a department user's own
order by actions.is_overdue desc, actions.status in ('done', 'cancelled'), actions.due_date, actions.action_id
