-- One row per month x scope x subject x item x level of the filtered questionnaire and dates.
-- Without a segment, region or customer filter or a user's region limit ($regions) it reads
-- the rating_counts rollup; with one, it counts the answers of the matching responses (about
-- one full aggregation at 1,000,000 responses, bench/). Only one branch does any work: the
-- other finds no rows before reading any data.
(
    select *
    from dimension_level_counts
    where $segment::varchar[] is null and $region::varchar[] is null
        and $channel::varchar[] is null and $staff::varchar[] is null and $customer_id::varchar is null
        and $regions::varchar[] is null
        and period_grain = 'month'
        and questionnaire_id = $qid
        and period_start between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
)
union all by name
(
    with

    picked as (
        select
            batch_id,
            response_id,
            month_start(survey_date) as period_start,
            scope,
            subject,
        from response_facts
        where ($segment::varchar[] is not null or $region::varchar[] is not null
            or $channel::varchar[] is not null or $staff::varchar[] is not null or $customer_id::varchar is not null
            or $regions::varchar[] is not null)
            and questionnaire_id = $qid
            and survey_date between $date_from and $date_to
            and chosen(scope, $scope::varchar[])
            and chosen(segment, $segment::varchar[])
            and chosen(region, $region::varchar[])
            and chosen(channel, $channel::varchar[])
            and (subject <> 'own' or chosen(staff_id, $staff::varchar[]))  -- staff: our own
            and in_regions(region, $regions::varchar[])
            and ($customer_id::varchar is null or customer_id = $customer_id)
    ),

    ratings as (
        select
            picked.period_start,
            picked.scope,
            picked.subject,
            answer_items.item_id,
            answer_sets.level_values[answer_items.position] as level_value,
            count(*) as ratings,
        from picked
        inner join answer_sets
            on answer_sets.batch_id = picked.batch_id
            and answer_sets.response_id = picked.response_id
        inner join answer_items on answer_items.batch_id = answer_sets.batch_id
        where level_value is not null
        group by all
    )

    select
        'month' as period_grain,
        ratings.period_start,
        item_levels.questionnaire_id,
        ratings.scope,
        ratings.subject,
        item_levels.dimension_id,
        ratings.item_id,
        ratings.level_value,
        item_levels.level_label,
        item_levels.norm_score,
        item_levels.is_satisfied,
        item_levels.is_dissatisfied,
        ratings.ratings,
    from ratings
    inner join item_levels
        on item_levels.questionnaire_id = $qid
        and item_levels.item_id = ratings.item_id
        and item_levels.level_value = ratings.level_value
)
