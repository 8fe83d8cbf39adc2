-- Aggregate: share of the due cases (status met or missed) that met their deadline; cases still
-- 'pending' (not yet due) and 'unknown' ones (history without the time) are left out. NULL
-- when none is due.
create or replace macro met_pct(status) as
    pct(count(*) filter (where status = 'met'), count(*) filter (where status in ('met', 'missed')))
