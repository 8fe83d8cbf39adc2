-- One row per month x scope x staff member of the filtered own responses: their count and the sums every CSI
-- and share figure is computed from (csi_trend, csi_yoy, csi_window, csi_breakdown by scope,
-- satisfaction_rates, staff_scores), per-response moments included for the tests on responses. Like
-- filtered_levels: the response_counts rollup when the range is whole months and no segment or
-- region filter or region limit applies (it knows channel and staff); otherwise the matching
-- responses themselves. Only one branch does any work: the other finds no rows before reading.
(
    select
        month_start as period_start,
        scope,
        staff_id,
        sum(responses) as responses,
        sum(csi_n) as csi_n,
        sum(csi_sum) as csi_sum,
        sum(csi_sq_sum) as csi_sq_sum,
        sum(satisfied) as satisfied,
        sum(dissatisfied) as dissatisfied,
        sum(ratings) as ratings,
        sum(satisfied_sq) as satisfied_sq,
        sum(satisfied_ratings) as satisfied_ratings,
        sum(ratings_sq) as ratings_sq,
        sum(points_n) as points_n,
        sum(points) as points,
        sum(max_points) as max_points,
    from response_counts
    where $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and $date_from::date = date_trunc('month', $date_from::date)
        and $date_to::date = last_day($date_to::date)
        and subject = 'own'
        and questionnaire_id = $qid
        and month_start between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(channel, $channel::varchar[])
        and chosen(staff_id, $staff::varchar[])
    group by all
)
union all by name
(
    select
        month_start(survey_date) as period_start,
        scope,
        staff_id,
        count(*) as responses,
        count(csi) as csi_n,
        sum(csi) as csi_sum,
        sum(csi * csi) as csi_sq_sum,
        sum(satisfied) as satisfied,
        sum(dissatisfied) as dissatisfied,
        sum(ratings) as ratings,
        sum(satisfied * satisfied)::double as satisfied_sq,
        sum(satisfied * ratings)::double as satisfied_ratings,
        sum(ratings * ratings)::double as ratings_sq,
        count(max_points) as points_n,
        sum(points) as points,
        sum(max_points) as max_points,
    from {{filtered_responses}}
    where not ($segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and $date_from::date = date_trunc('month', $date_from::date)
        and $date_to::date = last_day($date_to::date))
    group by all
)
