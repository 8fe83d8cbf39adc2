-- One row per grain x period: complaint service levels (24 h answer, 3 working days verify).
with

complaints as (select * from complaint_service),
grains as (select * from stg_grains),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, complaints.received_at)::date as period_start,
        count(*) as complaints,
        100.0 * count(*) filter (where complaints.is_answered_24h) / count(*)
        as answered_24h_pct,
        100.0 * count(*) filter (where complaints.is_verified_3wd) / count(*)
        as verified_3wd_pct,
        count(*) filter (where complaints.is_open) as open_complaints,
        median(complaints.first_response_hours) as median_first_response_hours,
    from complaints
    cross join grains
    group by all
)

select * from final
