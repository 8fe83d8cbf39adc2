-- One row per year x month of the filtered own responses: mean CSI for year-on-year lines.
select
    year(survey_date) as year,
    month(survey_date) as month,
    count(*) as responses,
    avg(csi) as csi,
from {{filtered_responses}}
group by all
order by year, month
