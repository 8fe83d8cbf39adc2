-- One row per own response matching the dashboard filters.
select *
from response_facts
where subject = 'own'
    and questionnaire_id = $qid
    and survey_date between $date_from and $date_to
    and ($scope::varchar is null or scope = $scope)
    and ($segment::varchar is null or segment = $segment)
    and ($region::varchar is null or region = $region)
    and in_regions(region, $regions::varchar[])
