-- One row per grain x period x questionnaire x customer x item: the customer's own ratings.
with

counts as (select * from customer_rating_counts where subject = 'own'),
item_levels as (select * from item_levels),
grains as (select * from stg_grains),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, counts.month_start)::date as period_start,
        counts.questionnaire_id,
        counts.customer_id,
        counts.item_id,
        any_value(item_levels.dimension_id) as dimension_id,
        sum(counts.ratings) as ratings,
        sum(counts.ratings * item_levels.norm_score) / sum(counts.ratings) as mean_score,
        100.0 * coalesce(sum(counts.ratings) filter (where item_levels.is_satisfied), 0)
        / sum(counts.ratings) as satisfied_pct,
        100.0 * coalesce(sum(counts.ratings) filter (where item_levels.is_dissatisfied), 0)
        / sum(counts.ratings) as dissatisfied_pct,
    from counts
    cross join grains
    inner join item_levels
        on item_levels.questionnaire_id = counts.questionnaire_id
        and item_levels.item_id = counts.item_id
        and item_levels.level_value = counts.level_value
    group by all
)

select * from final
