-- One row per survey-sourced action x window x response that counts in it (CONTRACT §5): own
-- responses dated in the window that answered the item (an item of the dimension), narrowed by
-- the action's scope and customer. The unit is the response: its score is the item's norm
-- score (the dimension score D_d) and it is dissatisfied when any of those ratings is.
with

windows as (select * from action_windows where source in ('item', 'dimension')),
responses as (select * from response_facts where subject = 'own'),
answers as (select * from answers),
levels as (select * from item_levels),
dimension_scores as (select * from response_dimension_scores),

in_window as (
    select
        windows.action_id,
        windows.source,
        windows.item_id,
        windows.dimension_id,
        case when responses.survey_date <= windows.baseline_end then 'baseline' else 'followup' end
        as phase,
        responses.batch_id,
        responses.response_id,
        responses.questionnaire_id,
    from windows
    inner join responses
        on responses.questionnaire_id = windows.questionnaire_id
        and (
            responses.survey_date between windows.baseline_start and windows.baseline_end
            or responses.survey_date between windows.followup_start and windows.followup_end
        )
        and (windows.scope is null or responses.scope = windows.scope)
        and (windows.customer_id is null or responses.customer_id = windows.customer_id)
),

rated as (
    select
        in_window.action_id,
        in_window.source,
        in_window.dimension_id,
        in_window.phase,
        in_window.batch_id,
        in_window.response_id,
        any_value(levels.norm_score) filter (where in_window.source = 'item') as item_score,
        bool_or(levels.is_dissatisfied) as is_dissatisfied,
    from in_window
    inner join answers
        on answers.batch_id = in_window.batch_id
        and answers.response_id = in_window.response_id
    inner join levels
        on levels.questionnaire_id = answers.questionnaire_id
        and levels.item_id = answers.item_id
        and levels.level_value = answers.level_value
    where (in_window.source = 'item' and answers.item_id = in_window.item_id)
        or (in_window.source = 'dimension' and levels.dimension_id = in_window.dimension_id)
    group by all
),

final as (
    select
        rated.action_id,
        rated.phase,
        rated.batch_id,
        rated.response_id,
        coalesce(rated.item_score, dimension_scores.score) as score,
        rated.is_dissatisfied,
    from rated
    left join dimension_scores
        on rated.source = 'dimension'
        and dimension_scores.batch_id = rated.batch_id
        and dimension_scores.response_id = rated.response_id
        and dimension_scores.dimension_id = rated.dimension_id
)

select * from final
