-- One row per active user with the agent role: the names a call plan hands calls to.
select user_name,
from stg_users
where role = 'agent' and not disabled
order by user_name
