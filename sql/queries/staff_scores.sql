-- One row per staff member: CSI of the filtered own responses about them, with 95 % interval.
with

aggregated as (
    select
        staff_id,
        sum(responses)::bigint as responses,
        mean_from_moments(sum(csi_n), sum(csi_sum)) as csi,
        sd_from_moments(sum(csi_n), sum(csi_sum), sum(csi_sq_sum)) as csi_sd,
        sum(csi_n)::bigint as csi_n,
        pct(sum(dissatisfied), sum(ratings)) as dissatisfied_pct,
    from {{filtered_response_moments}}
    where staff_id is not null
    group by staff_id
)

select
    *,
    ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
    ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
from aggregated
order by csi, staff_id
