-- One row: the corrective actions of the questionnaire (and every complaint-sourced action)
-- that are overdue today, and those whose follow-up window ends in the dates, by verdict.
with

actions as (
    select actions.*, effect.verdict, effect.followup_end,
    from v_actions as actions
    inner join v_action_effect as effect on effect.action_id = actions.action_id
    where actions.questionnaire_id = $qid or actions.source = 'complaint'
)

select
    count(*) filter (where is_overdue) as overdue,
    count(*) filter (where status not in ('done', 'cancelled')) as open,
    count(*) filter (where followup_end between $date_from and $date_to and verdict = 'improved')
    as improved,
    count(*) filter (
        where followup_end between $date_from and $date_to and verdict in ('no_change', 'worse')
    ) as not_improved,
    count(*) filter (where followup_end between $date_from and $date_to and verdict = 'too_few')
    as too_few,
from actions
