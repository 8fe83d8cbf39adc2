-- One row per grain x period x questionnaire x item with dissatisfied ratings, most first.
with

levels as (select * from dimension_level_counts where subject = 'own' and is_dissatisfied),

per_item as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        item_id,
        any_value(dimension_id) as dimension_id,
        sum(ratings) as dissatisfied,
    from levels
    group by all
),

ranked as (
    select
        *,
        100.0 * dissatisfied
        / sum(dissatisfied) over (partition by period_grain, period_start, questionnaire_id)
        as share_pct,
        row_number() over (
            partition by period_grain, period_start, questionnaire_id
            order by dissatisfied desc, item_id
        ) as rank,
    from per_item
),

final as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        item_id,
        dimension_id,
        dissatisfied,
        share_pct,
        sum(share_pct) over (
            partition by period_grain, period_start, questionnaire_id
            order by rank
            rows between unbounded preceding and current row
        ) as cumulative_pct,
        rank,
    from ranked
)

select * from final
