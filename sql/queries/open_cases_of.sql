-- The open complaint cases of one customer on one cause: the register form's duplicate warning.
select complaint_id,
from complaint_service
where in_regions(region, $regions::varchar[])
    and customer_id = $customer and coalesce(cause, '') = coalesce($cause, '') and status <> 'closed'
order by complaint_id
