-- One row: complaints of the filtered customers received in the dates (optionally one
-- category/cause), with their service levels: the Cause analysis cards.
select
    count(*) as complaints,
    met_pct(answer_status) as answered_24h_pct,
    met_pct(verify_status) as verified_3wd_pct,
    count(*) filter (where answer_status = 'pending' or verify_status = 'pending') as pending,
    count(*) filter (where is_open) as open_complaints,
    count(*) filter (where is_answer_overdue or is_verify_overdue) as overdue_complaints,
    count(*) filter (where answer_status = 'unknown' or verify_status = 'unknown') as unknown_times,
from complaint_service
where received_at::date between $date_from and $date_to
    and chosen(segment, $segment::varchar[])
    and chosen(region, $region::varchar[])
    and in_regions(region, $regions::varchar[])
