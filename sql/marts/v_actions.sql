-- One row per corrective action, its newest version: every field, status, is_overdue (neither
-- done nor cancelled and due before today in the company time zone), days_open (to done,
-- cancelled or today), how many versions it has and when the newest was recorded.
with

versions as (select * from stg_action_versions),
today as (select local_now()::date as today),

counted as (
    select
        *,
        count(*) over (partition by action_id) as versions,
        max(version) over (partition by action_id) as newest,
    from versions
),

final as (
    select
        counted.* exclude (newest, version, changed_at),
        counted.status not in ('done', 'cancelled') and counted.due_date < today.today as is_overdue,
        (coalesce(counted.cancelled_at, counted.done_at, today.today) - counted.created_at)::integer
        as days_open,
        counted.changed_at as updated_at,
    from counted, today
    where counted.version = counted.newest
)

select * from final
