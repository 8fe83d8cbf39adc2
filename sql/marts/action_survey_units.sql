-- One row per survey-sourced action x window x response that counts in it (CONTRACT §5): own
-- responses dated in the window that answered the item (an item of the dimension), narrowed by
-- the action's scope and customer. The unit is the response: its score is the item's norm
-- score (the dimension score D_d) and it is dissatisfied when any of those ratings is.
with

windows as (select * from action_windows where source in ('item', 'dimension')),
responses as (select * from response_scores where subject = 'own'),
levels as (select * from item_levels),
dimension_scores as (select * from response_dimension_scores),

phases as (
    select action_id, questionnaire_id, scope, customer_id, 'baseline' as phase,
        baseline_start as starts, baseline_end as ends,
    from windows
    union all
    select action_id, questionnaire_id, scope, customer_id, 'followup' as phase,
        followup_start as starts, followup_end as ends,
    from windows
    where followup_start is not null
),

-- The items whose ratings count for each action: its item, or every item of its dimension.
source_items as (
    select windows.action_id, windows.source, windows.dimension_id, q_items.item_id,
    from windows
    inner join q_items
        on q_items.questionnaire_id = windows.questionnaire_id
        and (
            (windows.source = 'item' and q_items.item_id = windows.item_id)
            or (windows.source = 'dimension' and q_items.dimension_id = windows.dimension_id)
        )
),

in_window as (
    select phases.action_id, phases.phase, responses.batch_id, responses.response_id,
        responses.questionnaire_id,
    from phases
    inner join responses
        on responses.questionnaire_id = phases.questionnaire_id
        and responses.survey_date between phases.starts and phases.ends
    where (phases.scope is null or responses.scope = phases.scope)
        and (phases.customer_id is null or responses.customer_id = phases.customer_id)
),

rated as (
    select
        in_window.action_id,
        source_items.source,
        source_items.dimension_id,
        in_window.phase,
        in_window.batch_id,
        in_window.response_id,
        any_value(levels.norm_score) filter (where source_items.source = 'item') as item_score,
        bool_or(levels.is_dissatisfied) as is_dissatisfied,
    from in_window
    inner join source_items on source_items.action_id = in_window.action_id
    inner join answer_items
        on answer_items.batch_id = in_window.batch_id
        and answer_items.item_id = source_items.item_id
    inner join answer_sets
        on answer_sets.batch_id = in_window.batch_id
        and answer_sets.response_id = in_window.response_id
    inner join levels
        on levels.questionnaire_id = in_window.questionnaire_id
        and levels.item_id = source_items.item_id
        and levels.level_value = answer_sets.level_values[answer_items.position]
    group by all
),

final as (
    select
        rated.action_id,
        rated.phase,
        rated.batch_id,
        rated.response_id,
        case when rated.source = 'item' then rated.item_score else dimension_scores.score end as score,
        rated.is_dissatisfied,
    from rated
    -- (an item source's row may match its item's dimension too; the case above ignores it: a
    -- condition on rated.source here would make this a slow non-equality join)
    left join dimension_scores
        on dimension_scores.batch_id = rated.batch_id
        and dimension_scores.response_id = rated.response_id
        and dimension_scores.dimension_id = rated.dimension_id
)

select * from final
