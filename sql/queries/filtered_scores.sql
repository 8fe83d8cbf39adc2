-- One row per own response matching the dashboard filters, with the columns of response_scores:
-- without a segment or region filter or region limit straight from response_scores (no customer
-- or revenue join to probe for every response), else from filtered_responses. Only one branch
-- reads any rows (issue 15).
(
    select *
    from response_scores
    where $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and subject = 'own'
        and questionnaire_id = $qid
        and survey_date between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(channel, $channel::varchar[])
        and chosen(staff_id, $staff::varchar[])
)
union all by name
(
    select * exclude (segment, region, customer_name)
    from {{filtered_responses}}
    where not ($segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null)
)
