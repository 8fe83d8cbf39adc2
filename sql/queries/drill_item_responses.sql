-- One row per filtered own response that rated the chosen item dissatisfied (newest 1,000).
with

dissatisfied_levels as (
    select level_value, level_label
    from item_levels
    where questionnaire_id = $qid and item_id = $item_id and is_dissatisfied
),

hits as (
    select answers.batch_id, answers.response_id, dissatisfied_levels.level_label,
    from answers
    inner join dissatisfied_levels
        on dissatisfied_levels.level_value = answers.level_value
    where answers.questionnaire_id = $qid and answers.item_id = $item_id
),

responses as (select * from {{filtered_responses}}),

newest as (
    select
        responses.batch_id,
        responses.response_id,
        responses.survey_date,
        responses.customer_id,
        responses.customer_name,
        responses.staff_id,
        responses.channel,
        hits.level_label,
        responses.csi,
    from hits
    inner join responses
        on responses.batch_id = hits.batch_id
        and responses.response_id = hits.response_id
    order by responses.survey_date desc, responses.response_id
    limit 1000
),

final as (
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    -- the comment first: it is what an engineer reads
    select
        case when coalesce($unmask, false) then raw.comment else mask_pii(raw.comment) end as comment,
        newest.* exclude (batch_id),
    from newest
    left join stg_responses as raw
        on raw.batch_id = newest.batch_id
        and raw.questionnaire_id = $qid
        and raw.response_id = newest.response_id
)

select * from final order by survey_date desc, response_id
