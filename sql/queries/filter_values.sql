-- One row per filter value: scopes, channels and staff of a questionnaire (from the
-- response_counts rollup, which holds every combination the active responses have), regions
-- of customers.
select distinct 'scope' as filter, scope as value from response_counts where questionnaire_id = $qid
union all
select distinct 'channel', channel from response_counts where questionnaire_id = $qid and channel is not null
union all
select distinct 'staff', staff_id from response_counts
where questionnaire_id = $qid and subject = 'own' and staff_id is not null
union all
select distinct 'region', region from stg_customers
where region is not null and in_regions(region, $regions::varchar[])
order by filter, value
