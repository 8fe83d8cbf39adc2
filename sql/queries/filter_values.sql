-- One row per filter value: scopes and segments of a questionnaire, regions of customers.
select distinct 'scope' as filter, scope as value from response_scores where questionnaire_id = $qid
union all
select distinct 'region', region from stg_customers
where region is not null and in_regions(region, $regions::varchar[])
order by filter, value
