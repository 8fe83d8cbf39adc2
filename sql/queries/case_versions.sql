-- Every version of one complaint case, oldest first: the step, who wrote it and when (company
-- time), and the case's fields as they stood.
select
    row_number() over (order by versions.loaded_at, versions.source_row) as version,
    coalesce(versions.change_note, 'load') as step,  -- a file's version: 'load'
    timezone(settings.timezone, versions.loaded_at)::timestamp as changed_at,
    versions.changed_by,
    versions.responsible_dept,
    versions.handler,
    versions.first_response_at,
    versions.verified_at,
    versions.is_valid,
    versions.solution,
    versions.promised_at,
    versions.resolved_at,
    versions.customer_informed_at,
    versions.customer_accepted,
    versions.closed_at,
from complaints_all_versions as versions
cross join stg_settings as settings
left join stg_customers as customers using (customer_id)
where versions.complaint_id = $complaint
    and in_regions(customers.region, $regions::varchar[])
    and ($dept::varchar is null or versions.complaint_id in (
        select complaint_id from complaint_cases where responsible_dept = $dept))
order by version
