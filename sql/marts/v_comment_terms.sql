-- One row per grain x period x questionnaire x term of its comments: how many dissatisfied
-- and satisfied comments use it, and its score (macro log_odds_z; positive = a word of
-- dissatisfied customers). The unit is the comment (one response), never the rating.
with

comments as (select * from comment_facts),
grains as (select * from stg_grains),

periods as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, comments.survey_date)::date as period_start,
        comments.questionnaire_id,
        comments.is_dissatisfied,
        comments.terms,
    from comments
    cross join grains
),

totals as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        count(*) filter (where is_dissatisfied) as dissatisfied_comments,
        count(*) filter (where not is_dissatisfied) as satisfied_comments,
    from periods
    group by all
),

per_term as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        term,
        count(*) filter (where is_dissatisfied) as dissatisfied_count,
        count(*) filter (where not is_dissatisfied) as satisfied_count,
    from (select * exclude (terms), unnest(terms) as term from periods)
    group by all
),

final as (
    select
        per_term.*,
        totals.dissatisfied_comments,
        totals.satisfied_comments,
        log_odds(
            per_term.dissatisfied_count, totals.dissatisfied_comments,
            per_term.satisfied_count, totals.satisfied_comments
        ) as log_odds,
        log_odds_z(
            per_term.dissatisfied_count, totals.dissatisfied_comments,
            per_term.satisfied_count, totals.satisfied_comments
        ) as score,
    from per_term
    inner join totals using (period_grain, period_start, questionnaire_id)
)

select * from final
