-- The filtered own responses of the whole date range as one row, with the same columns as a
-- period of csi_trend: the Overview's comparison with a range the user picks.
with

aggregated as (
    select
        coalesce(sum(responses), 0)::bigint as responses,
        coalesce(sum(csi_n), 0)::bigint as csi_n,
        sum(csi_sum) as csi_sum,
        sum(csi_sq_sum) as csi_sq_sum,
        coalesce(sum(satisfied), 0)::bigint as satisfied,
        coalesce(sum(ratings), 0)::bigint as ratings,
        sum(satisfied_sq)::double as satisfied_sq,
        sum(satisfied_ratings)::double as satisfied_ratings,
        sum(ratings_sq)::double as ratings_sq,
    from {{filtered_response_moments}}
)

select
    $date_from::date as period_start,
    responses,
    mean_from_moments(csi_n, csi_sum) as csi,
    sd_from_moments(csi_n, csi_sum, csi_sq_sum) as csi_sd,
    csi_n,
    satisfied,
    ratings,
    satisfied_sq,
    satisfied_ratings,
    ratings_sq,
    pct(satisfied, ratings) as satisfied_pct,
from aggregated
