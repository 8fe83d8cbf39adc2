-- One row per grain x period x questionnaire x measure (csi or a dimension): PoP and YoY deltas.
with

scores as (select * from response_scores where subject = 'own'),
dimensions as (select * from v_dimension_scores where subject = 'own'),
grains as (select * from stg_grains),

csi as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, scores.survey_date)::date as period_start,
        scores.questionnaire_id,
        'csi' as measure,
        avg(scores.csi) as value,
        count(scores.csi) as n,
    from scores
    cross join grains
    group by all
),

dimension_means as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        dimension_id as measure,
        sum(mean_score * ratings) / sum(ratings) as value,
        sum(ratings) as n,
    from dimensions
    group by all
),

measures as (
    select * from csi
    union all
    select * from dimension_means
),

final as (
    select
        current.*,
        previous.value as previous_value,
        current.value - previous.value as delta_pop,
        last_year.value as last_year_value,
        current.value - last_year.value as delta_yoy,
    from measures as current
    left join measures as previous
        on previous.period_grain = current.period_grain
        and previous.questionnaire_id = current.questionnaire_id
        and previous.measure = current.measure
        and previous.period_start = case current.period_grain
            when 'month' then current.period_start - interval 1 month
            when 'quarter' then current.period_start - interval 3 month
            else current.period_start - interval 1 year
        end
    left join measures as last_year
        on last_year.period_grain = current.period_grain
        and last_year.questionnaire_id = current.questionnaire_id
        and last_year.measure = current.measure
        and last_year.period_start = current.period_start - interval 1 year
)

select * from final
