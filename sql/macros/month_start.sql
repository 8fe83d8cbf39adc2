-- The first day of the month of the date `d`, as a date. Twice as fast as
-- date_trunc('month', d)::date over ten million rows (issue 15).
create or replace macro month_start(d) as d - (day(d) - 1)::integer
