-- Whether a row of a customer in `region` may be shown to a user limited to `regions`
-- (NULL: every region). Deny by default: a customer without a region, or an empty list,
-- is shown to no limited user.
create or replace macro in_regions(region, regions) as
    regions is null or coalesce(list_contains(regions, region), false)
