-- One row per month x customer of the filtered own responses: their count. Like
-- filtered_response_moments: the customer_counts rollup when the range is whole months and no
-- staff, segment or region filter or region limit applies (the rollup knows the channel, not
-- the staff member); otherwise the matching responses themselves (filtered_scores). Only one
-- branch does any work: the other finds no rows before reading (issue 15).
(
    select month_start, customer_id, sum(responses) as responses,
    from customer_counts
    where $staff::varchar[] is null
        and $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and $date_from::date = date_trunc('month', $date_from::date)
        and $date_to::date = last_day($date_to::date)
        and subject = 'own'
        and questionnaire_id = $qid
        and month_start between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(channel, $channel::varchar[])
    group by all
)
union all by name
(
    select month_start(survey_date) as month_start, customer_id, count(*) as responses,
    from {{filtered_scores}}
    where not ($staff::varchar[] is null
        and $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and $date_from::date = date_trunc('month', $date_from::date)
        and $date_to::date = last_day($date_to::date))
    group by all
)
