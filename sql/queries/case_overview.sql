-- One row per complaint case of the filtered customers received in the dates, without the
-- customer or the text (a manager's read-only view of the case board): state, severity, cause,
-- department and handler, deadlines and lateness; open and overdue first; the newest 2,000.
with

matching as (
    select distinct complaint_id
    from complaint_cause_facts
    where received_at::date between $date_from and $date_to
)

select
    cases.complaint_id,
    cases.status,
    cases.severity,
    cases.received_at,
    cases.cause_category,
    cases.cause,
    cases.responsible_dept,
    cases.handler,
    cases.respond_due_at,
    cases.verify_due_date,
    cases.promised_at,
    cases.is_answer_overdue or cases.is_verify_overdue or coalesce(cases.is_promise_broken, false) as is_overdue,
from complaint_service as cases
inner join matching using (complaint_id)
where chosen(cases.segment, $segment::varchar[])
    and chosen(cases.region, $region::varchar[])
    and in_regions(cases.region, $regions::varchar[])
order by cases.status = 'closed', is_overdue desc, cases.received_at desc, cases.complaint_id
limit 2000
