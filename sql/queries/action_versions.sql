-- Every version of one corrective action, newest first.
select versions.* exclude (batch_id, action_id)
from v_action_versions as versions
left join stg_customers as customers on customers.customer_id = versions.customer_id
where versions.action_id = $action_id
    and (versions.customer_id is null or in_regions(customers.region, $regions::varchar[]))
order by version desc
