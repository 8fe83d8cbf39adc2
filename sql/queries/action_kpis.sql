-- One row: the corrective actions of the questionnaire (and every complaint-sourced action)
-- that are overdue today, and those whose follow-up window ends in the dates, by verdict.
with

actions as (
    select actions.*, effect.verdict, effect.followup_end,
    from v_actions as actions
    inner join v_action_effect as effect on effect.action_id = actions.action_id
    left join stg_customers as customers on customers.customer_id = actions.customer_id
    where (actions.questionnaire_id = $qid or actions.source = 'complaint')
        and (actions.customer_id is null or in_regions(customers.region, $regions::varchar[]))
)

select
    count(*) filter (where is_overdue) as overdue,
    count(*) filter (where status not in ('done', 'cancelled')) as open,
    -- Verdicts count every region's responses: none for a user limited to regions.
    case when $regions::varchar[] is null then count(*) filter (
        where followup_end between $date_from and $date_to and verdict = 'improved'
    ) end as improved,
    case when $regions::varchar[] is null then count(*) filter (
        where followup_end between $date_from and $date_to and verdict in ('no_change', 'worse')
    ) end as not_improved,
    case when $regions::varchar[] is null then count(*) filter (
        where followup_end between $date_from and $date_to and verdict = 'too_few'
    ) end as too_few,
from actions
