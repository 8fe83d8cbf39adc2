-- One row per filtered own response that rated the chosen item dissatisfied: the newest
-- $limit surveyed on or after $since (data.drill_responses: from the rollup, so that only
-- the newest row groups of the month-sorted answer sets and scores are read; null = $date_from).
with

dissatisfied_levels as (
    select level_value, level_label
    from item_levels
    where questionnaire_id = $qid and item_id = $item_id and is_dissatisfied
),

positions as (
    select batch_id, position
    from answer_items
    where questionnaire_id = $qid and item_id = $item_id
),

hits as (
    select sets.batch_id, sets.response_id, dissatisfied_levels.level_label,
    from answer_sets as sets
    inner join positions on positions.batch_id = sets.batch_id
    inner join dissatisfied_levels
        on dissatisfied_levels.level_value = sets.level_values[positions.position]
    where sets.questionnaire_id = $qid
        and sets.survey_date between coalesce($since::date, $date_from) and $date_to
),

responses as (
    select * from {{filtered_responses}}
    where survey_date >= coalesce($since::date, $date_from)
),

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
    limit $limit
),

final as (
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked). The comments are
    -- read from the newest response's date on: the raw responses are sorted by date when
    -- compacted, so a few days of them, not the month (issue 15).
    -- the comment first: it is what an engineer reads
    select
        case when coalesce($unmask, false) then raw.comment else mask_pii(raw.comment) end as comment,
        newest.* exclude (batch_id),
    from newest
    left join stg_responses as raw
        on raw.batch_id = newest.batch_id
        and raw.questionnaire_id = $qid
        and raw.response_id = newest.response_id
        and raw.survey_date between (select min(survey_date) from newest) and $date_to
)

select * from final order by survey_date desc, response_id
