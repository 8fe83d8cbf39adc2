-- One row per grain x period with complaints or sales: complaints per 100 shipments.
with

complaints as (select * from complaint_service),
sales as (select * from sales_facts),
grains as (select * from stg_grains),

complaint_counts as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, complaints.received_at)::date as period_start,
        count(*) as complaints,
    from complaints
    cross join grains
    group by all
),

shipment_counts as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, sales.period)::date as period_start,
        sum(sales.shipments) as shipments,
    from sales
    cross join grains
    group by all
),

final as (
    select
        coalesce(c.period_grain, s.period_grain) as period_grain,
        coalesce(c.period_start, s.period_start) as period_start,
        coalesce(c.complaints, 0) as complaints,
        s.shipments,
        pct(c.complaints, s.shipments) as complaint_rate_pct,
    from complaint_counts as c
    full outer join shipment_counts as s
        on s.period_grain = c.period_grain
        and s.period_start = c.period_start
)

select * from final
