-- One row per period of the chosen grain: surveyed share of active customers.
select *
from v_sample_coverage
where period_grain = $grain
    and questionnaire_id = $qid
    and period_start between date_trunc($grain, $date_from::date) and $date_to
order by period_start
