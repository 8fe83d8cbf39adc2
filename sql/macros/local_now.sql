-- The current wall-clock time in the company time zone (setting `timezone`), as a naive
-- timestamp comparable with complaint timestamps.
create or replace macro local_now() as
    (select (current_timestamp at time zone timezone)::timestamp from stg_settings)
