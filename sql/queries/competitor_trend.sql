-- One row per period x dimension x competitor: own minus competitor mean score.
select *
from v_competitor_gap
where period_grain = $grain
    and questionnaire_id = $qid
    and period_start between date_trunc($grain, $date_from::date) and $date_to
order by period_start, dimension_id, competitor
