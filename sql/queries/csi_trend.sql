-- One row per period of the filtered own responses: mean CSI, 95 % interval, shares.
with

responses as (select * from {{filtered_responses}}),

aggregated as (
    select
        date_trunc($grain, survey_date)::date as period_start,
        count(*) as responses,
        avg(csi) as csi,
        stddev_samp(csi) as csi_sd,
        count(csi) as csi_n,
        sum(satisfied)::bigint as satisfied,
        sum(dissatisfied)::bigint as dissatisfied,
        sum(ratings)::bigint as ratings,
        count(distinct customer_id) as customers,
    from responses
    group by all
),

final as (
    select
        *,
        csi - 1.96 * csi_sd / sqrt(csi_n) as csi_ci_low,
        csi + 1.96 * csi_sd / sqrt(csi_n) as csi_ci_high,
        100.0 * satisfied / nullif(ratings, 0) as satisfied_pct,
        100.0 * dissatisfied / nullif(ratings, 0) as dissatisfied_pct,
    from aggregated
)

select * from final order by period_start
