-- One row per complaint received in the dates (optionally one category/cause), newest first.
select
    complaint_id,
    received_at,
    customer_id,
    product,
    cause_category,
    cause,
    severity,
    responsible_dept,
    first_response_hours,
    is_answered_24h,
    verify_working_days,
    is_verified_3wd,
    is_open,
    verified_at is null and len(list_filter(
        generate_series(received_at::date + 1, current_date, interval 1 day),
        d -> isodow(d) <= 5
    )) > 3 as is_verify_overdue,
    first_response_at is null and received_at + interval 24 hour < current_timestamp
    as is_answer_overdue,
    description,
from complaint_service
where received_at::date between $date_from and $date_to
    and ($cause_category::varchar is null or cause_category = $cause_category)
    and ($cause::varchar is null or coalesce(cause, '-') = $cause)
order by received_at desc
limit 2000
