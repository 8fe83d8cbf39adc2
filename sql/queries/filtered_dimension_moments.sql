-- One row per month x scope x subject x dimension of the filtered questionnaire and dates:
-- responses rating the dimension, and the sum and sum of squares of their scores D_d (for
-- tests on responses). Like filtered_levels: the dimension_response_counts rollup without a
-- segment or region filter or region limit, the matching responses' dimension_score_sets with one.
(
    select
        month_start as period_start, scope, subject, dimension_id,
        sum(responses) as responses, sum(score_sum) as score_sum, sum(score_sq_sum) as score_sq_sum,
    from dimension_response_counts
    where $segment::varchar[] is null and $region::varchar[] is null
        and $channel::varchar[] is null and $staff::varchar[] is null and $regions::varchar[] is null
        and questionnaire_id = $qid
        and month_start between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
    group by all
)
union all by name
(
    with

    picked as (
        select batch_id, response_id, month_start(survey_date) as period_start,
            scope, subject,
        from response_facts
        where ($segment::varchar[] is not null or $region::varchar[] is not null
            or $channel::varchar[] is not null or $staff::varchar[] is not null or $regions::varchar[] is not null)
            and questionnaire_id = $qid
            and survey_date between $date_from and $date_to
            and chosen(scope, $scope::varchar[])
            and chosen(segment, $segment::varchar[])
            and chosen(region, $region::varchar[])
            and chosen(channel, $channel::varchar[])
            and (subject <> 'own' or chosen(staff_id, $staff::varchar[]))  -- staff: our own
            and in_regions(region, $regions::varchar[])
    ),

    scores as (
        select
            picked.period_start,
            picked.scope,
            picked.subject,
            score_dimensions.dimension_id,
            sets.scores[score_dimensions.position] as score,
        from picked
        inner join dimension_score_sets as sets
            on sets.batch_id = picked.batch_id
            and sets.response_id = picked.response_id
        inner join score_dimensions on score_dimensions.batch_id = sets.batch_id
        where sets.ratings[score_dimensions.position] > 0
    )

    select
        period_start, scope, subject, dimension_id,
        count(*) as responses, sum(score) as score_sum, sum(score * score) as score_sq_sum,
    from scores
    group by all
)
