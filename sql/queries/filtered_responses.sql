-- One row per own response matching the dashboard filters.
select *
from response_facts
where subject = 'own'
    and questionnaire_id = $qid
    and survey_date between $date_from and $date_to
    and chosen(scope, $scope::varchar[])
    and chosen(segment, $segment::varchar[])
    and chosen(region, $region::varchar[])
    and chosen(channel, $channel::varchar[])
    and chosen(staff_id, $staff::varchar[])
    and in_regions(region, $regions::varchar[])
