-- The audit trail, newest first, optionally one event kind and one user, in the dates.
select "at", user_name, event, detail,
from v_audit
where "at"::date between $date_from and $date_to
    and ($event::varchar is null or event = $event)
    and ($user_name::varchar is null or user_name = $user_name)
order by "at" desc
limit 5000
