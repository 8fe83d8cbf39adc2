-- Every customer region, for the regions a user may be limited to.
select distinct region from stg_customers where region is not null order by region
