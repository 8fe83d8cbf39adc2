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
        100.0 * sum(scores.satisfied) / nullif(sum(scores.ratings), 0) as satisfied_pct,
        100.0 * sum(scores.dissatisfied) / nullif(sum(scores.ratings), 0) as dissatisfied_pct,
    from scores
    cross join grains
    group by all
),

final as (
    select
        * exclude (csi_sd, csi_n),
        csi - 1.96 * csi_sd / sqrt(csi_n) as csi_ci_low,
        csi + 1.96 * csi_sd / sqrt(csi_n) as csi_ci_high,
    from aggregated
)

select * from final
