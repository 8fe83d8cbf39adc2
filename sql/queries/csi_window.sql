-- The filtered own responses of the whole date range as one row, with the same columns as a
-- period of csi_trend: the Overview's comparison with a range the user picks.
select
    $date_from::date as period_start,
    count(*) as responses,
    avg(csi) as csi,
    stddev_samp(csi) as csi_sd,
    count(csi) as csi_n,
    coalesce(sum(satisfied), 0)::bigint as satisfied,
    coalesce(sum(ratings), 0)::bigint as ratings,
    sum(satisfied * satisfied)::double as satisfied_sq,
    sum(satisfied * ratings)::double as satisfied_ratings,
    sum(ratings * ratings)::double as ratings_sq,
    pct(sum(satisfied), sum(ratings)) as satisfied_pct,
from {{filtered_responses}}
