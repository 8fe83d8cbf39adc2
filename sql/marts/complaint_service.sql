-- One row per active complaint: service levels (first answer within 24 h, verification within
-- 3 working days by the company calendar), each 'met', 'missed', 'pending' (not yet due) or
-- 'unknown' (a history complaint without that time: left out of the shares, never late), and
-- the customer's segment (in the year received) and region.
with

complaints as (select * from stg_complaints),
revenue as (select * from customer_prior_revenue),
customers as (select * from stg_customers),

timed as (
    select
        complaints.*,
        local_now() as now_at,
        working_days(complaints.received_at, complaints.verified_at) as verify_working_days,
        working_days(complaints.received_at, local_now()) as working_days_open,
        epoch(complaints.first_response_at - complaints.received_at) / 3600.0
        as first_response_hours,
        coalesce(revenue.segment, 'general') as segment,
        customers.region,
    from complaints
    left join revenue
        on revenue.customer_id = complaints.customer_id
        and revenue.year = year(complaints.received_at)
    left join customers on customers.customer_id = complaints.customer_id
),

final as (
    select
        * exclude (now_at, working_days_open),
        case
            when first_response_at <= received_at + interval 24 hour then 'met'
            when first_response_at is not null then 'missed'
            when is_history then 'unknown'
            when now_at > received_at + interval 24 hour then 'missed'
            else 'pending'
        end as answer_status,
        case
            when verify_working_days <= 3 then 'met'
            when verified_at is not null then 'missed'
            when is_history then 'unknown'
            when working_days_open > 3 then 'missed'
            else 'pending'
        end as verify_status,
        answer_status = 'met' as is_answered_24h,
        verify_status = 'met' as is_verified_3wd,
        answer_status = 'missed' and first_response_at is null as is_answer_overdue,
        verify_status = 'missed' and verified_at is null as is_verify_overdue,
    from timed
)

select * from final
