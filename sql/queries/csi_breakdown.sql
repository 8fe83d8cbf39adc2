-- One row per value of the chosen breakdown (scope, segment or region): CSI over the range.
with

responses as (select * from {{filtered_responses}}),

final as (
    select
        coalesce(case $by when 'scope' then scope when 'segment' then segment else region end, '-')
        as group_value,
        count(*) as responses,
        avg(csi) as csi,
        stddev_samp(csi) as csi_sd,
        count(csi) as csi_n,
    from responses
    group by all
)

select * from final order by group_value
