-- One row per grain x period x questionnaire: surveyed share of customers with shipments.
with

scores as (select * from response_scores where subject = 'own'),
sales as (select * from sales_facts where shipments > 0),
grains as (select * from stg_grains),

active as (
    select distinct
        grains.period_grain,
        date_trunc(grains.period_grain, sales.period)::date as period_start,
        sales.customer_id,
    from sales
    cross join grains
),

surveyed as (
    select distinct
        grains.period_grain,
        date_trunc(grains.period_grain, scores.survey_date)::date as period_start,
        scores.questionnaire_id,
        scores.customer_id,
    from scores
    cross join grains
),

active_counts as (
    select period_grain, period_start, count(*) as active_customers,
    from active
    group by all
),

surveyed_counts as (
    select
        surveyed.period_grain,
        surveyed.period_start,
        surveyed.questionnaire_id,
        count(*) as surveyed_customers,
        count(active.customer_id) as surveyed_active_customers,
    from surveyed
    left join active
        on active.period_grain = surveyed.period_grain
        and active.period_start = surveyed.period_start
        and active.customer_id = surveyed.customer_id
    group by all
),

final as (
    select
        surveyed_counts.*,
        active_counts.active_customers,
        pct(surveyed_counts.surveyed_active_customers, active_counts.active_customers)
        as coverage_pct,
    from surveyed_counts
    left join active_counts
        on active_counts.period_grain = surveyed_counts.period_grain
        and active_counts.period_start = surveyed_counts.period_start
)

select * from final
