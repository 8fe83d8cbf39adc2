-- Working days after from_day up to and including to_day, by the company calendar
-- (weekends, public holidays and make-up working days; work_calendar). NULL outside it.
create or replace macro working_days(from_day, to_day) as
    (select workday_number from work_calendar where day = to_day::date)
    - (select workday_number from work_calendar where day = from_day::date)
