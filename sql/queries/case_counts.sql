-- One row per case status: open cases, the overdue ones and the high/critical ones (the
-- managers' view of the complaint desk, without single customers).
select
    status,
    count(*) as cases,
    count(*) filter (where is_respond_late or is_verify_late or is_promise_broken) as overdue,
    count(*) filter (where severity in ('high', 'critical')) as serious,
    count(*) filter (where handler = $me) as mine,
from complaint_service
where in_regions(region, $regions::varchar[]) and status <> 'closed'
    and ($dept::varchar is null or responsible_dept = $dept)  -- a department user's own
group by status
order by status
