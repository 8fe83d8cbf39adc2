-- One row per active sales line: shipments and revenue, with the customer's segment (in the
-- year of the period) and region.
with

sales as (select * from stg_sales),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

final as (
    select
        sales.*,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
    from sales
    left join revenue
        on revenue.customer_id = sales.customer_id
        and revenue.year = year(sales.period)
    left join customers on customers.customer_id = sales.customer_id
)

select * from final
