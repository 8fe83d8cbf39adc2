-- One row per staff member: CSI of the filtered own responses about them, with 95 % interval.
with

aggregated as (
    select
        staff_id,
        count(*) as responses,
        avg(csi) as csi,
        stddev_samp(csi) as csi_sd,
        count(csi) as csi_n,
        100.0 * sum(dissatisfied) / nullif(sum(ratings), 0) as dissatisfied_pct,
    from {{filtered_responses}}
    where staff_id is not null
    group by staff_id
)

select
    *,
    csi - 1.96 * csi_sd / sqrt(csi_n) as csi_ci_low,
    csi + 1.96 * csi_sd / sqrt(csi_n) as csi_ci_high,
from aggregated
order by csi
