-- One row per grain x period x questionnaire x scope x subject x dimension: mean 0-100 score.
with

levels as (select * from dimension_level_counts),
grains as (select * from stg_grains),

respondents as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, counts.month_start)::date as period_start,
        counts.questionnaire_id,
        counts.scope,
        counts.subject,
        counts.dimension_id,
        sum(counts.responses) as responses,
    from dimension_response_counts as counts
    cross join grains
    group by all
),

moments as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        scope,
        subject,
        dimension_id,
        sum(ratings) as ratings,
        sum(ratings * norm_score) as total,
        sum(ratings * norm_score * norm_score) as total_sq,
        sum(ratings) filter (where is_satisfied) as satisfied,
        sum(ratings) filter (where is_dissatisfied) as dissatisfied,
    from levels
    group by all
),

final as (
    select
        moments.period_grain,
        moments.period_start,
        moments.questionnaire_id,
        moments.scope,
        moments.subject,
        moments.dimension_id,
        moments.ratings,
        respondents.responses,
        moments.total / moments.ratings as mean_score,
        sd_from_moments(moments.ratings, moments.total, moments.total_sq) as sd_score,
        pct(moments.satisfied, moments.ratings) as satisfied_pct,
        pct(moments.dissatisfied, moments.ratings) as dissatisfied_pct,
    from moments
    left join respondents
        on respondents.period_grain = moments.period_grain
        and respondents.period_start = moments.period_start
        and respondents.questionnaire_id = moments.questionnaire_id
        and respondents.scope = moments.scope
        and respondents.subject = moments.subject
        and respondents.dimension_id = moments.dimension_id
)

select * from final
