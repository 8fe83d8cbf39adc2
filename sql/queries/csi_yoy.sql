-- One row per year x month of the filtered own responses: mean CSI for year-on-year lines.
select
    year(period_start) as year,
    month(period_start) as month,
    sum(responses)::bigint as responses,
    mean_from_moments(sum(csi_n), sum(csi_sum)) as csi,
from {{filtered_response_moments}}
group by all
order by year, month
