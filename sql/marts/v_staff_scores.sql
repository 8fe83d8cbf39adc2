-- One row per grain x period x questionnaire x scope x staff member: CSI of own responses.
with

scores as (select * from response_scores where subject = 'own' and staff_id is not null),
grains as (select * from stg_grains),

aggregated as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, scores.survey_date)::date as period_start,
        scores.questionnaire_id,
        scores.scope,
        scores.staff_id,
        count(*) as responses,
        avg(scores.csi) as csi,
        stddev_samp(scores.csi) as csi_sd,
        count(scores.csi) as csi_n,
        pct(sum(scores.satisfied), sum(scores.ratings)) as satisfied_pct,
        pct(sum(scores.dissatisfied), sum(scores.ratings)) as dissatisfied_pct,
    from scores
    cross join grains
    group by all
),

final as (
    select
        * exclude (csi_sd, csi_n),
        ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
        ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
    from aggregated
)

select * from final
