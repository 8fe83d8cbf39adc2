-- One row per complaint of the filtered customers received in the dates (optionally naming
-- one category/cause), overdue first, then newest; the newest 2,000 (a list for reading: the
-- counts are complaint_kpis).
with

matching as (
    select distinct complaint_id
    from complaint_cause_facts
    where received_at::date between $date_from and $date_to
        and ($cause_category::varchar is null or cause_category = $cause_category)
        and ($cause::varchar is null or coalesce(cause, '-') = $cause)
)

select
    complaints.complaint_id,
    complaints.received_at,
    complaints.customer_id,
    complaints.product,
    complaints.cause_category,
    complaints.cause,
    complaints.severity,
    complaints.responsible_dept,
    complaints.first_response_hours,
    complaints.is_answered_24h,
    complaints.verify_working_days,
    complaints.is_verified_3wd,
    complaints.is_open,
    complaints.is_answer_overdue or complaints.is_verify_overdue as is_overdue,
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    case when coalesce($unmask, false) then complaints.description
        else mask_pii(complaints.description) end as description,
from complaint_service as complaints
inner join matching on matching.complaint_id = complaints.complaint_id
where chosen(complaints.segment, $segment::varchar[])
    and chosen(complaints.region, $region::varchar[])
    and in_regions(complaints.region, $regions::varchar[])
order by is_overdue desc, complaints.received_at desc, complaints.complaint_id
limit 2000
