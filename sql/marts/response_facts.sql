-- One row per active response: scores, counts, segment and the customer's region and name.
with

scores as (select * from response_scores),
segments as (select * from v_customer_segment),
customers as (select * from stg_customers),

final as (
    select
        scores.*,
        coalesce(segments.segment, 'general') as segment,
        customers.region,
        customers.name as customer_name,
    from scores
    left join segments
        on segments.customer_id = scores.customer_id
        and segments.year = year(scores.survey_date)
    left join customers
        on customers.customer_id = scores.customer_id
)

select * from final
