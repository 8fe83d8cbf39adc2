-- One row per customer x year: prior calendar year's revenue and key/general segment.
with

sales as (select * from stg_sales),
settings as (select * from stg_settings),
scores as (select * from response_scores),

customers as (
    select customer_id from stg_customers
    union
    select customer_id from sales
    union
    select distinct customer_id from scores
),

years as (
    select distinct year(period) as year from sales
    union
    select distinct year(period) + 1 from sales
    union
    select distinct year(survey_date) from scores
),

revenue as (select customer_id, year, prior_year_revenue as revenue, from customer_prior_revenue),

final as (
    select
        customers.customer_id,
        years.year,
        coalesce(revenue.revenue, 0) as prior_year_revenue,
        case
            when coalesce(revenue.revenue, 0) >= settings.key_account_threshold then 'key'
            else 'general'
        end as segment,
    from customers
    cross join years
    cross join settings
    left join revenue
        on revenue.customer_id = customers.customer_id
        and revenue.year = years.year
)

select * from final
