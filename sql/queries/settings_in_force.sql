-- One row per setting key set at least once: its value in force and when it was set.
select key, value, set_at::timestamp as set_at,
from setting_values
where key in ('key_account_threshold', 'timezone', 'min_sample') or key like 'calendar:%'
order by key
