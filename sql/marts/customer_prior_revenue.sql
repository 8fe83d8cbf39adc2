-- One row per customer x year with sales in the year before: prior-year revenue and segment.
with

sales as (select * from stg_sales),
settings as (select * from stg_settings),

revenue as (
    select customer_id, year(period) + 1 as year, sum(revenue) as prior_year_revenue,
    from sales
    group by all
),

final as (
    select
        revenue.*,
        case
            when revenue.prior_year_revenue >= settings.key_account_threshold then 'key'
            else 'general'
        end as segment,
    from revenue
    cross join settings
)

select * from final
