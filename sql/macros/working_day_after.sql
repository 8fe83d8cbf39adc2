-- The n-th working day after from_day (not counting from_day itself), by the company
-- calendar (work_calendar): a complaint received on a Friday before a holiday week is
-- verified by the third working day after it, make-up working days (调休) included.
create or replace macro working_day_after(from_day, n) as
    (
        select min(day) from work_calendar
        where is_workday
            and workday_number = (select workday_number from work_calendar where day = from_day::date) + n
    )
