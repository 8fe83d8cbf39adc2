-- One row per setting key: its newest value (rows written before set_at existed count oldest).
select
    key,
    arg_max(value, coalesce(set_at, '-infinity'::timestamptz)) as value,
    max(set_at) as set_at,
from settings
group by key
