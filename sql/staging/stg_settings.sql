-- One row: the settings the metrics use, newest value of each, with their defaults.
with

setting_values as (select * from setting_values),

final as (
    select
        coalesce(
            max(try_cast(value as double)) filter (where key = 'key_account_threshold'), 5000000
        ) as key_account_threshold,
        coalesce(max(value) filter (where key = 'timezone'), 'Asia/Shanghai') as timezone,
        coalesce(max(try_cast(value as integer)) filter (where key = 'min_sample'), 30)
        as min_sample,
        coalesce(max(try_cast(value as integer)) filter (where key = 'session_idle_minutes'), 30)
        as session_idle_minutes,
        coalesce(max(try_cast(value as integer)) filter (where key = 'pareto_max_bars'), 15)
        as pareto_max_bars,
        coalesce(max(try_cast(value as double)) filter (where key = 'target_callback_pct'), 50)
        as target_callback_pct,
        coalesce(max(try_cast(value as double)) filter (where key = 'target_survey_pct'), 60)
        as target_survey_pct,
        coalesce(max(try_cast(value as double)) filter (where key = 'target_coverage_pct'), 30)
        as target_coverage_pct,
        coalesce(max(value) filter (where key = 'alerts_by_region'), 'false') = 'true' as alerts_by_region,
    from setting_values
)

select * from final
