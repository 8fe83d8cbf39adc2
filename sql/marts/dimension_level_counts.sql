-- One row per grain x period x questionnaire x scope x subject x item x level: rating counts.
with

counts as (select * from rating_counts),
item_levels as (select * from item_levels),
grains as (select * from stg_grains),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, counts.month_start)::date as period_start,
        counts.questionnaire_id,
        counts.scope,
        counts.subject,
        item_levels.dimension_id,
        counts.item_id,
        counts.level_value,
        any_value(item_levels.level_label) as level_label,
        any_value(item_levels.norm_score) as norm_score,
        bool_or(item_levels.is_satisfied) as is_satisfied,
        bool_or(item_levels.is_dissatisfied) as is_dissatisfied,
        sum(counts.ratings) as ratings,
    from counts
    cross join grains
    inner join item_levels
        on item_levels.questionnaire_id = counts.questionnaire_id
        and item_levels.item_id = counts.item_id
        and item_levels.level_value = counts.level_value
    group by all
)

select * from final
