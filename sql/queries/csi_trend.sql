-- One row per period of the filtered own responses: mean CSI, 95 % interval, shares.
with

responses as (select * from {{filtered_responses}}),

aggregated as (
    select
        period_trunc($grain, survey_date)::date as period_start,
        count(*) as responses,
        avg(csi) as csi,
        stddev_samp(csi) as csi_sd,
        count(csi) as csi_n,
        sum(satisfied)::bigint as satisfied,
        sum(dissatisfied)::bigint as dissatisfied,
        sum(ratings)::bigint as ratings,
        -- per-response moments of (satisfied, ratings): the satisfied share's test on responses
        sum(satisfied * satisfied)::double as satisfied_sq,
        sum(satisfied * ratings)::double as satisfied_ratings,
        sum(ratings * ratings)::double as ratings_sq,
        count(distinct customer_id) as customers,
    from responses
    group by all
),

final as (
    select
        *,
        ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
        ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
        pct(satisfied, ratings) as satisfied_pct,
        pct(dissatisfied, ratings) as dissatisfied_pct,
    from aggregated
)

select * from final order by period_start
