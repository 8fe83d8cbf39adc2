-- One row per grain x period x questionnaire x scope x segment: mean CSI, 95 % interval, shares.
with

responses as (select * from response_facts where subject = 'own'),
grains as (select * from stg_grains),

aggregated as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, responses.survey_date)::date as period_start,
        responses.questionnaire_id,
        responses.scope,
        responses.segment,
        count(*) as responses,
        avg(responses.csi) as csi,
        stddev_samp(responses.csi) as csi_sd,
        count(responses.csi) as csi_n,
        sum(responses.satisfied) as satisfied,
        sum(responses.dissatisfied) as dissatisfied,
        sum(responses.ratings) as ratings,
    from responses
    cross join grains
    group by all
),

final as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        scope,
        segment,
        responses,
        csi,
        ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
        ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
        pct(satisfied, ratings) as satisfied_pct,
        pct(dissatisfied, ratings) as dissatisfied_pct,
    from aggregated
)

select * from final
