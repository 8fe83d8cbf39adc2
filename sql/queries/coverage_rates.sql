-- One row per period of the chosen grain: surveyed share of the filtered customers with
-- shipments in the period (v_sample_coverage's rule over the filters), and the customers the
-- filtered responses came from, shipments or not.
with

active as (
    select distinct period_trunc($grain, period)::date as period_start, customer_id,
    from sales_facts
    where shipments > 0
        and period between $date_from and $date_to
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
),

-- The customers of the filtered own responses, by month (from the customer_counts rollup when
-- it can answer), then by the chosen grain.
surveyed as (
    select distinct period_trunc($grain, month_start)::date as period_start, customer_id,
    from {{filtered_customer_months}}
),

counts as (
    select
        coalesce(active.period_start, surveyed.period_start) as period_start,
        count(active.customer_id) as active_customers,
        count(active.customer_id) filter (where surveyed.customer_id is not null)
        as surveyed_active_customers,
        count(surveyed.customer_id) as surveyed_customers,
    from active
    full join surveyed
        on surveyed.period_start = active.period_start
        and surveyed.customer_id = active.customer_id
    group by all
),

final as (
    select
        *,
        pct(surveyed_active_customers, active_customers) as coverage_pct,
    from counts
)

select * from final order by period_start
