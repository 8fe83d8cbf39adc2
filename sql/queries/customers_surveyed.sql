-- One row per customer with own responses to the questionnaire in the dates.
select customer_id, any_value(customer_name) as customer_name, count(*) as responses,
from {{filtered_responses}}
group by customer_id
order by responses desc, customer_id
