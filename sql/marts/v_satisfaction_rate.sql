-- One row per grain x period x points questionnaire: survey rate minus complaint rate.
with

scores as (select * from response_scores where subject = 'own' and max_points is not null),
rates as (select * from v_complaint_rate),
grains as (select * from stg_grains),

points as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, scores.survey_date)::date as period_start,
        scores.questionnaire_id,
        sum(scores.points) as points,
        sum(scores.max_points) as max_points,
    from scores
    cross join grains
    group by all
),

final as (
    select
        points.period_grain,
        points.period_start,
        points.questionnaire_id,
        points.points,
        points.max_points,
        pct(points.points, points.max_points) as survey_rate_pct,
        rates.complaint_rate_pct,
        pct(points.points, points.max_points) - rates.complaint_rate_pct as satisfaction_rate_pct,
    from points
    left join rates
        on rates.period_grain = points.period_grain
        and rates.period_start = points.period_start
)

select * from final
