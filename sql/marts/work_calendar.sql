-- One row per day from 1990 to 2060: whether it is a working day, and the running count of
-- working days (working days between two dates = difference of their counts).
with

days as (
    select range::date as day
    from range(date '1990-01-01', date '2061-01-01', interval 1 day)
),

holidays as (select * from holiday_calendar),

overrides as (
    select
        try_cast(substr(key, 10) as date) as day,
        value = 'workday' as is_workday,
    from setting_values
    where key like 'calendar:%' and value in ('holiday', 'workday')
),

final as (
    select
        days.day,
        coalesce(overrides.is_workday, holidays.is_workday, isodow(days.day) <= 5) as is_workday,
        holidays.name as holiday_name,
        overrides.day is not null as is_override,
        sum(coalesce(overrides.is_workday, holidays.is_workday, isodow(days.day) <= 5)::integer)
            over (order by days.day) as workday_number,
    from days
    left join holidays on holidays.day = days.day
    left join overrides on overrides.day = days.day
)

select * from final
