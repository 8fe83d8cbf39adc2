-- One row per day that is not what its weekday says: a public holiday on a weekday or a
-- make-up working day (调休) on a weekend, from the `holidays` package (written with the views).
create table if not exists holiday_calendar (
    day date not null,
    is_workday boolean not null,
    name varchar
);
