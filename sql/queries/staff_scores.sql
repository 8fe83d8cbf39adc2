-- One row per staff member: CSI of the filtered own responses about them, with 95 % interval.
with

aggregated as (
    select
        staff_id,
        count(*) as responses,
        avg(csi) as csi,
        stddev_samp(csi) as csi_sd,
        count(csi) as csi_n,
        pct(sum(dissatisfied), sum(ratings)) as dissatisfied_pct,
    from {{filtered_responses}}
    where staff_id is not null
    group by staff_id
)

select
    *,
    ci95_low(csi, csi_sd, csi_n) as csi_ci_low,
    ci95_high(csi, csi_sd, csi_n) as csi_ci_high,
from aggregated
order by csi
