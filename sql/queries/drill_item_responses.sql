-- One row per filtered own response that rated the chosen item dissatisfied: the newest
-- $limit surveyed on or after $since (data.drill_responses: the month the rating_counts rollup
-- names; null = $date_from). Without a segment or region filter or region limit they come from
-- dissatisfied_ratings, sorted by item and date: one item's rows of those months are a few row
-- groups whatever the warehouse's size (issue 15), with their comments. With one, from the
-- answer sets (sorted by month, so the months from $since) and the filtered responses, and the
-- comments from the raw responses. Only one branch reads rows: the other's tables are behind a
-- condition on the parameters alone, which DuckDB folds to false before it reads anything.
with

dissatisfied_levels as (
    select level_value, level_label
    from item_levels
    where questionnaire_id = $qid and item_id = $item_id and is_dissatisfied
),

listed as (
    select
        ratings.batch_id,
        ratings.response_id,
        ratings.survey_date,
        ratings.customer_id,
        ratings.staff_id,
        ratings.channel,
        ratings.level_value,
        ratings.csi,
        ratings.comment,
    from dissatisfied_ratings as ratings
    where $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and ratings.questionnaire_id = $qid
        and ratings.item_id = $item_id
        and ratings.subject = 'own'
        and ratings.survey_date between coalesce($since::date, $date_from) and $date_to
        and chosen(ratings.scope, $scope::varchar[])
        and chosen(ratings.channel, $channel::varchar[])
        and chosen(ratings.staff_id, $staff::varchar[])
    order by ratings.survey_date desc, ratings.response_id
    limit $limit
),

positions as (
    select batch_id, position
    from answer_items
    where questionnaire_id = $qid and item_id = $item_id
),

hits as (
    select sets.batch_id, sets.response_id, sets.level_values[positions.position] as level_value,
    from answer_sets as sets
    inner join positions on positions.batch_id = sets.batch_id
    where not ($segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null)
        and sets.questionnaire_id = $qid
        and sets.survey_date between coalesce($since::date, $date_from) and $date_to
        and sets.level_values[positions.position] in (select level_value from dissatisfied_levels)
),

responses as (
    select * from {{filtered_responses}}
    where survey_date >= coalesce($since::date, $date_from)
),

filtered as (
    select
        responses.batch_id,
        responses.response_id,
        responses.survey_date,
        responses.customer_id,
        responses.staff_id,
        responses.channel,
        hits.level_value,
        responses.csi,
    from hits
    inner join responses
        on responses.batch_id = hits.batch_id
        and responses.response_id = hits.response_id
    order by responses.survey_date desc, responses.response_id
    limit $limit
),

-- The comments are read from the newest filtered response's date on: the raw responses are
-- sorted by date when compacted, so a few days of them, not the month.
filtered_comments as (
    select filtered.*, raw.comment,
    from filtered
    left join stg_responses as raw
        on raw.batch_id = filtered.batch_id
        and raw.questionnaire_id = $qid
        and raw.response_id = filtered.response_id
        and raw.survey_date between (select min(survey_date) from filtered) and $date_to
    where not ($segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null)
),

newest as (
    select
        found.batch_id,
        found.response_id,
        found.survey_date,
        found.customer_id,
        customers.name as customer_name,
        found.staff_id,
        found.channel,
        dissatisfied_levels.level_label,
        found.csi,
        found.comment,
    from (select * from listed union all by name select * from filtered_comments) as found
    inner join dissatisfied_levels on dissatisfied_levels.level_value = found.level_value
    left join stg_customers as customers on customers.customer_id = found.customer_id
),

final as (
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    -- the comment first: it is what an engineer reads
    select
        case when coalesce($unmask, false) then comment else mask_pii(comment) end as comment,
        newest.* exclude (batch_id, comment),
    from newest
)

select * from final order by survey_date desc, response_id
