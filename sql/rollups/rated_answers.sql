-- One row per answered item of the source responses, with its score and points.
with

answers as (select * from src_answers),
items as (select * from q_items),
levels as (select * from q_levels),
dimensions as (select * from q_dimensions),
points as (select * from q_points),

final as (
    select
        answers.batch_id,
        answers.questionnaire_id,
        answers.response_id,
        answers.item_id,
        answers.level_value,
        items.dimension_id,
        dimensions.weight,
        levels.norm_score,
        levels.is_satisfied,
        levels.is_dissatisfied,
        dimensions.has_points,
        case when dimensions.has_points then coalesce(points.points, 0) end as points,
        case when dimensions.has_points then dimensions.max_points end as max_points,
    from answers
    inner join items
        on items.questionnaire_id = answers.questionnaire_id
        and items.item_id = answers.item_id
    inner join levels
        on levels.questionnaire_id = answers.questionnaire_id
        and levels.scale_id = items.scale_id
        and levels.level_value = answers.level_value
    inner join dimensions
        on dimensions.questionnaire_id = answers.questionnaire_id
        and dimensions.dimension_id = items.dimension_id
    left join points
        on points.questionnaire_id = answers.questionnaire_id
        and points.dimension_id = items.dimension_id
        and points.level_value = answers.level_value
)

select * from final
