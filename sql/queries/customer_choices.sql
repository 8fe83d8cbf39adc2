-- One row per customer for the complaint form's picker: id, name, region and the phone masked.
select customer_id, name, region, phone_masked,
from stg_customers
where in_regions(region, $regions::varchar[])
order by customer_id
