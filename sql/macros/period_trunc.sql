-- The first day of the period of `grain` ('month', 'quarter', 'half' or 'year') holding `d`:
-- date_trunc's grains plus the half year (January or July), which the report's 2026-H2 needs.
create or replace macro period_trunc(grain, d) as
    case when grain = 'half'
        then make_date(year(d)::bigint, case when month(d) <= 6 then 1 else 7 end, 1)
        else date_trunc(grain, d)::date end
