-- One row per active complaint: its case's service levels (complaint_cases: first answer
-- within 24 h, verification within 3 working days by the company calendar) and the customer's
-- segment (in the year received) and region.
with

cases as (select * from complaint_cases),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

final as (
    select
        cases.*,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
        cases.answer_status = 'met' as is_answered_24h,
        cases.verify_status = 'met' as is_verified_3wd,
        cases.answer_status = 'missed' and cases.first_response_at is null as is_answer_overdue,
        cases.verify_status = 'missed' and cases.verified_at is null as is_verify_overdue,
    from cases
    left join revenue
        on revenue.customer_id = cases.customer_id
        and revenue.year = year(cases.received_at)
    left join customers on customers.customer_id = cases.customer_id
)

select * from final
