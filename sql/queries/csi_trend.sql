-- One row per period of the filtered own responses: mean CSI, 95 % interval, shares.
with

moments as (select * from {{filtered_response_moments}}),

aggregated as (
    select
        period_trunc($grain, period_start)::date as period_start,
        sum(responses)::bigint as responses,
        sum(csi_n)::bigint as csi_n,
        sum(csi_sum) as csi_sum,
        sum(csi_sq_sum) as csi_sq_sum,
        sum(satisfied)::bigint as satisfied,
        sum(dissatisfied)::bigint as dissatisfied,
        sum(ratings)::bigint as ratings,
        -- per-response moments of (satisfied, ratings): the satisfied share's test on responses
        sum(satisfied_sq)::double as satisfied_sq,
        sum(satisfied_ratings)::double as satisfied_ratings,
        sum(ratings_sq)::double as ratings_sq,
    from moments
    group by all
),

final as (
    select
        period_start,
        responses,
        mean_from_moments(csi_n, csi_sum) as csi,
        sd_from_moments(csi_n, csi_sum, csi_sq_sum) as csi_sd,
        csi_n,
        satisfied,
        dissatisfied,
        ratings,
        satisfied_sq,
        satisfied_ratings,
        ratings_sq,
        ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
        ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
        pct(satisfied, ratings) as satisfied_pct,
        pct(dissatisfied, ratings) as dissatisfied_pct,
    from aggregated
)

select * from final order by period_start
