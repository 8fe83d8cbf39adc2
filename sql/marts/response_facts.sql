-- One row per active response: scores, counts, segment and the customer's region and name.
with

scores as (select * from response_scores),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

final as (
    select
        scores.*,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
        customers.name as customer_name,
    from scores
    left join revenue
        on revenue.customer_id = scores.customer_id
        and revenue.year = year(scores.survey_date)
    left join customers
        on customers.customer_id = scores.customer_id
)

select * from final
