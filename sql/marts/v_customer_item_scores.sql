-- One row per grain x period x questionnaire x customer x item: the customer's own ratings.
with

answers as (select * from answers),
scores as (select * from response_scores where subject = 'own'),
item_levels as (select * from item_levels),
grains as (select * from stg_grains),

rated as (
    select
        scores.questionnaire_id,
        scores.customer_id,
        scores.survey_date,
        answers.item_id,
        item_levels.dimension_id,
        item_levels.norm_score,
        item_levels.is_satisfied,
        item_levels.is_dissatisfied,
    from answers
    inner join scores
        on scores.batch_id = answers.batch_id
        and scores.questionnaire_id = answers.questionnaire_id
        and scores.response_id = answers.response_id
    inner join item_levels
        on item_levels.questionnaire_id = answers.questionnaire_id
        and item_levels.item_id = answers.item_id
        and item_levels.level_value = answers.level_value
),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, rated.survey_date)::date as period_start,
        rated.questionnaire_id,
        rated.customer_id,
        rated.item_id,
        any_value(rated.dimension_id) as dimension_id,
        count(*) as ratings,
        avg(rated.norm_score) as mean_score,
        100.0 * count(*) filter (where rated.is_satisfied) / count(*) as satisfied_pct,
        100.0 * count(*) filter (where rated.is_dissatisfied) / count(*) as dissatisfied_pct,
    from rated
    cross join grains
    group by all
)

select * from final
