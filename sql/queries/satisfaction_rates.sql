-- One row per period of the chosen grain: points survey rate and satisfaction rate.
select *
from v_satisfaction_rate
where period_grain = $grain
    and questionnaire_id = $qid
    and period_start between date_trunc($grain, $date_from::date) and $date_to
order by period_start
