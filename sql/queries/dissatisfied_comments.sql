-- One row per filtered own response with a comment and a dissatisfied rating (search optional).
with

responses as (select * from {{filtered_responses}} where dissatisfied > 0),

final as (
    select
        responses.survey_date,
        responses.response_id,
        responses.customer_id,
        responses.customer_name,
        responses.staff_id,
        responses.csi,
        responses.dissatisfied,
        -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
        case when coalesce($unmask, false) then raw.comment else mask_pii(raw.comment) end as comment,
    from responses
    inner join stg_responses as raw
        on raw.batch_id = responses.batch_id
        and raw.questionnaire_id = responses.questionnaire_id
        and raw.response_id = responses.response_id
    where raw.comment is not null
        and ($search::varchar is null or raw.comment ilike '%' || $search || '%')
)

select * from final order by survey_date desc, response_id limit 1000
