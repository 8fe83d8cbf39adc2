-- One row per period of the chosen grain with points: survey rate (points of the filtered
-- responses) minus the complaint rate of the filtered customers (v_satisfaction_rate's rule).
with

points as (
    select
        period_trunc($grain, period_start)::date as period_start,
        sum(points) as points,
        sum(max_points) as max_points,
    from {{filtered_response_moments}}
    where points_n > 0
    group by all
),

rates as (select period_start, complaint_rate_pct, from {{complaint_rates}}),

final as (
    select
        points.period_start,
        points.points,
        points.max_points,
        pct(points.points, points.max_points) as survey_rate_pct,
        rates.complaint_rate_pct,
        pct(points.points, points.max_points) - rates.complaint_rate_pct as satisfaction_rate_pct,
    from points
    left join rates on rates.period_start = points.period_start
)

select * from final order by period_start
