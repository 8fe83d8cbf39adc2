-- One row per filtered own response with a comment and a dissatisfied rating (search optional):
-- the newest 1000 surveyed on or after $since (data.dissatisfied_comments: the month from
-- which the rollup counts enough dissatisfied ratings; null = $date_from), with each one's
-- number of dissatisfied ratings.
--
-- With $ratings_limit (1000 x the questionnaire's items, the most dissatisfied ratings 1000
-- responses can have) and no segment or region filter or region limit, they come from
-- dissatisfied_ratings: its newest $ratings_limit rows with a comment hold every rating of the
-- newest 1000 responses (a response's ratings are adjacent in that order). Sorted by item and
-- date, each item's rows from $since are a few row groups whatever the warehouse's size (issue
-- 15). Otherwise from the filtered responses and their comments from $since. Only one branch
-- reads rows: the other's tables are behind a condition on the parameters alone.
with

newest_ratings as (
    select batch_id, response_id, survey_date, customer_id, staff_id, csi, comment,
    from dissatisfied_ratings
    where $ratings_limit::bigint is not null
        and $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and questionnaire_id = $qid
        and subject = 'own'
        and survey_date between coalesce($since::date, $date_from) and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(channel, $channel::varchar[])
        and chosen(staff_id, $staff::varchar[])
        and comment is not null
        and ($search::varchar is null or comment ilike '%' || $search || '%')
    order by survey_date desc, response_id, batch_id
    limit $ratings_limit
),

listed as (
    select
        ratings.survey_date,
        ratings.response_id,
        ratings.customer_id,
        customers.name as customer_name,
        ratings.staff_id,
        ratings.csi,
        ratings.dissatisfied,
        ratings.comment,
    from (
        select
            batch_id,
            response_id,
            any_value(survey_date) as survey_date,
            any_value(customer_id) as customer_id,
            any_value(staff_id) as staff_id,
            any_value(csi) as csi,
            count(*) as dissatisfied,
            any_value(comment) as comment,
        from newest_ratings
        group by batch_id, response_id
    ) as ratings
    left join stg_customers as customers on customers.customer_id = ratings.customer_id
),

responses as (
    select * from {{filtered_responses}}
    where dissatisfied > 0
        and survey_date >= coalesce($since::date, $date_from)
        and not (
            $ratings_limit::bigint is not null
            and $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        )
),

filtered as (
    select
        responses.survey_date,
        responses.response_id,
        responses.customer_id,
        responses.customer_name,
        responses.staff_id,
        responses.csi,
        responses.dissatisfied,
        raw.comment,
    from responses
    inner join stg_responses as raw
        on raw.batch_id = responses.batch_id
        and raw.questionnaire_id = responses.questionnaire_id
        and raw.response_id = responses.response_id
    where raw.comment is not null
        and raw.survey_date between coalesce($since::date, $date_from) and $date_to
        and ($search::varchar is null or raw.comment ilike '%' || $search || '%')
),

final as (
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    select
        * exclude (comment, dissatisfied),
        dissatisfied::bigint as dissatisfied,
        case when coalesce($unmask, false) then comment else mask_pii(comment) end as comment,
    from (select * from listed union all by name select * from filtered)
)

select * from final order by survey_date desc, response_id limit 1000
