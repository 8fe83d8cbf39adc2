-- One row per period of the chosen grain with complaints or shipments of the filtered
-- customers in the dates: complaint rate and service levels (complaint_service's rules).
with

complaints as (
    select * from complaint_service
    where received_at::date between $date_from and $date_to
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
),

sales as (
    select * from sales_facts
    where period between $date_from and $date_to
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
),

complaint_counts as (
    select
        period_trunc($grain, received_at)::date as period_start,
        count(*) as complaints,
        met_pct(answer_status) as answered_24h_pct,
        met_pct(verify_status) as verified_3wd_pct,
        count(*) filter (where is_open) as open_complaints,
        count(*) filter (where is_answer_overdue or is_verify_overdue) as overdue_complaints,
    from complaints
    group by all
),

shipment_counts as (
    select period_trunc($grain, period)::date as period_start, sum(shipments) as shipments,
    from sales
    group by all
),

final as (
    select
        coalesce(c.period_start, s.period_start) as period_start,
        coalesce(c.complaints, 0) as complaints,
        s.shipments,
        pct(c.complaints, s.shipments) as complaint_rate_pct,
        c.answered_24h_pct,
        c.verified_3wd_pct,
        coalesce(c.open_complaints, 0) as open_complaints,
        coalesce(c.overdue_complaints, 0) as overdue_complaints,
    from complaint_counts as c
    full outer join shipment_counts as s on s.period_start = c.period_start
)

select * from final order by period_start
