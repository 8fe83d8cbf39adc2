-- One row per grain x period x questionnaire x customer x item: the customer's own ratings.
with

answers as (select * from answers),
responses as (select * from response_scores where subject = 'own'),
item_levels as (select * from item_levels),
grains as (select * from stg_grains),

monthly as (
    select
        date_trunc('month', responses.survey_date)::date as month_start,
        answers.questionnaire_id,
        responses.customer_id,
        answers.item_id,
        any_value(item_levels.dimension_id) as dimension_id,
        count(*) as ratings,
        sum(item_levels.norm_score) as norm_sum,
        count(*) filter (where item_levels.is_satisfied) as satisfied,
        count(*) filter (where item_levels.is_dissatisfied) as dissatisfied,
    from answers
    inner join responses
        on responses.batch_id = answers.batch_id
        and responses.response_id = answers.response_id
    inner join item_levels
        on item_levels.questionnaire_id = answers.questionnaire_id
        and item_levels.item_id = answers.item_id
        and item_levels.level_value = answers.level_value
    group by all
),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, monthly.month_start)::date as period_start,
        monthly.questionnaire_id,
        monthly.customer_id,
        monthly.item_id,
        any_value(monthly.dimension_id) as dimension_id,
        sum(monthly.ratings) as ratings,
        sum(monthly.norm_sum) / sum(monthly.ratings) as mean_score,
        pct(sum(monthly.satisfied), sum(monthly.ratings)) as satisfied_pct,
        pct(sum(monthly.dissatisfied), sum(monthly.ratings)) as dissatisfied_pct,
    from monthly
    cross join grains
    group by all
)

select * from final
