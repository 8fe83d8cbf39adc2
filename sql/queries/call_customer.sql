-- One row per own response to the call's questionnaire of the customer of call $call (the
-- newest 5), for the agent who has the call open ($agent; an admin any call): what the
-- customer said before.
with

call as (
    select calls.*,
    from call_plan as calls
    left join stg_customers as customers using (customer_id)
    where calls.call_id = $call and ($agent::varchar is null or calls.assigned_to = $agent)
        and in_regions(customers.region, $regions::varchar[])
)

select
    responses.survey_date,
    responses.channel,
    responses.csi,
    responses.dissatisfied as dissatisfied_ratings,
    case when coalesce($unmask, false) then texts.comment else mask_pii(texts.comment) end as comment,
from response_scores as responses
join call on call.customer_id = responses.customer_id and call.questionnaire_id = responses.questionnaire_id
left join stg_responses as texts
    on texts.questionnaire_id = responses.questionnaire_id and texts.response_id = responses.response_id
where responses.subject = 'own'
order by responses.survey_date desc, responses.response_id desc
limit 5
