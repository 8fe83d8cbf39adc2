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
    from setting_values
)

select * from final
