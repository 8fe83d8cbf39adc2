-- One row per complaint case of the user's regions, open ones first (by the nearest due date),
-- then the closed ones of the last 90 days; optionally one case ($complaint). Clocks in hours
-- (answer) and working days (verification) from now in the company time zone.
select
    cases.complaint_id,
    cases.status,
    cases.severity,
    cases.received_at,
    cases.customer_id,
    customers.name as customer_name,
    cases.channel,
    cases.product,
    cases.dimension_id,
    cases.cause_category,
    cases.cause,
    cases.responsible_dept,
    cases.handler,
    cases.respond_due_at,
    cases.verify_due_date,
    cases.promised_at,
    cases.answer_hours_left,
    cases.verify_days_left,
    cases.is_respond_late,
    cases.is_verify_late,
    cases.is_promise_broken,
    cases.is_respond_late or cases.is_verify_late or cases.is_promise_broken as is_overdue,
    cases.is_history,
    cases.first_response_at,
    cases.verified_at,
    cases.is_valid,
    cases.solution,
    cases.resolved_at,
    cases.customer_informed_at,
    cases.customer_accepted,
    cases.closed_at,
    cases.versions,
    cases.updated_at,
    cases.updated_by,
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    case when coalesce($unmask, false) then cases.description
        else mask_pii(cases.description) end as description,
from complaint_service as cases
left join stg_customers as customers using (customer_id)
where in_regions(cases.region, $regions::varchar[])
    and ($dept::varchar is null or cases.responsible_dept = $dept)  -- a department user's own
    and ($complaint::varchar is null or cases.complaint_id = $complaint)
    and (cases.status <> 'closed' or $complaint::varchar is not null
        or cases.closed_at >= (select local_now()) - interval 90 day)
order by cases.status = 'closed', is_overdue desc, least(cases.respond_due_at, cases.verify_due_date::timestamp), cases.complaint_id
limit 5000
