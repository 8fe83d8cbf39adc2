-- One row per dashboard user (never the password hash).
select user_name, role, dept, regions, email, disabled, changed_at, changed_by,
from stg_users
order by user_name
