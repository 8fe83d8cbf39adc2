-- One row per month x scope x subject x item x level of the filtered questionnaire and dates.
select *
from dimension_level_counts
where period_grain = 'month'
    and questionnaire_id = $qid
    and period_start between date_trunc('month', $date_from::date) and $date_to
    and ($scope::varchar is null or scope = $scope)
