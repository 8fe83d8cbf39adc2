-- One row per value of the chosen breakdown (scope, segment or region): CSI over the range.
-- By scope it reads filtered_response_moments (a rollup when it can); by segment or region,
-- which the rollup does not know, the filtered responses themselves.
with

sums as (
    (
        select
            scope as group_value,
            sum(responses) as responses,
            sum(csi_n) as csi_n,
            sum(csi_sum) as csi_sum,
            sum(csi_sq_sum) as csi_sq_sum,
        from {{filtered_response_moments}}
        where $by = 'scope'
        group by all
    )
    union all by name
    (
        select
            case $by when 'segment' then segment else region end as group_value,
            count(*) as responses,
            count(csi) as csi_n,
            sum(csi) as csi_sum,
            sum(csi * csi) as csi_sq_sum,
        from {{filtered_responses}}
        where $by <> 'scope'
        group by all
    )
),

final as (
    select
        coalesce(group_value, '-') as group_value,
        sum(responses)::bigint as responses,
        mean_from_moments(sum(csi_n), sum(csi_sum)) as csi,
        sd_from_moments(sum(csi_n), sum(csi_sum), sum(csi_sq_sum)) as csi_sd,
        sum(csi_n)::bigint as csi_n,
    from sums
    group by all
)

select * from final order by group_value
