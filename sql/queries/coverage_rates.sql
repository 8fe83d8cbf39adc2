-- One row per period of the chosen grain: surveyed share of the filtered customers with
-- shipments in the period (v_sample_coverage's rule over the filters).
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

surveyed as (
    select distinct period_trunc($grain, survey_date)::date as period_start, customer_id,
    from {{filtered_responses}}
),

counts as (
    select
        active.period_start,
        count(*) as active_customers,
        count(surveyed.customer_id) as surveyed_active_customers,
    from active
    left join surveyed
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
