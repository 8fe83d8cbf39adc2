-- One row per questionnaire x item x level of its scale: what one rating of it scores.
with

items as (select * from q_items),
levels as (select * from q_levels),
dimensions as (select * from q_dimensions),
points as (select * from q_points),

final as (
    select
        items.questionnaire_id,
        items.item_id,
        levels.level_value,
        levels.level_label,
        items.dimension_id,
        dimensions.weight,
        levels.norm_score,
        levels.is_satisfied,
        levels.is_dissatisfied,
        case when dimensions.has_points then coalesce(points.points, 0) end as points,
        case when dimensions.has_points then dimensions.max_points end as max_points,
    from items
    inner join levels
        on levels.questionnaire_id = items.questionnaire_id
        and levels.scale_id = items.scale_id
    inner join dimensions
        on dimensions.questionnaire_id = items.questionnaire_id
        and dimensions.dimension_id = items.dimension_id
    left join points
        on points.questionnaire_id = items.questionnaire_id
        and points.dimension_id = items.dimension_id
        and points.level_value = levels.level_value
)

select * from final
