-- One row per period of the chosen grain within the dates: complaint rate and service levels.
select
    rate.period_start,
    rate.complaints,
    rate.shipments,
    rate.complaint_rate_pct,
    service.answered_24h_pct,
    service.verified_3wd_pct,
    service.open_complaints,
from v_complaint_rate as rate
left join v_complaint_service as service
    on service.period_grain = rate.period_grain
    and service.period_start = rate.period_start
where rate.period_grain = $grain
    and rate.period_start between date_trunc($grain, $date_from::date) and $date_to
order by rate.period_start
