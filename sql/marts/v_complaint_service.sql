-- One row per grain x period: complaint service levels. A share counts the complaints that are
-- due (met or missed); the ones still within their 24 h / 3 working days are pending.
with

complaints as (select * from complaint_service),
grains as (select * from stg_grains),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, complaints.received_at)::date as period_start,
        count(*) as complaints,
        met_pct(complaints.answer_status) as answered_24h_pct,
        met_pct(complaints.verify_status) as verified_3wd_pct,
        count(*) filter (where complaints.answer_status = 'pending') as answer_pending,
        count(*) filter (where complaints.verify_status = 'pending') as verify_pending,
        count(*) filter (where complaints.is_open) as open_complaints,
        count(*) filter (where complaints.is_answer_overdue or complaints.is_verify_overdue)
        as overdue_complaints,
        median(complaints.first_response_hours) as median_first_response_hours,
    from complaints
    cross join grains
    group by all
)

select * from final
