-- One row per period ($grain) x topic: comments mentioning it and their share of the
-- period's filtered comments.
with

comments as (
    select *, period_trunc(coalesce($grain, 'month'), survey_date) as period_start
    from {{filtered_comments}}
),
rules as (select * from stg_topic_rules where questionnaire_id = $qid),
totals as (select period_start, count(*) as period_comments from comments group by all),

hits as (
    select
        comments.period_start,
        rules.topic_id,
        any_value(rules.label) as topic_label,
        count(*) as comments,
        count(*) filter (where comments.is_dissatisfied) as dissatisfied_comments,
    from comments
    inner join rules
        on topic_match(rules.patterns, rules.exclude_patterns, comments.tokens)
    group by all
)

select
    hits.*,
    totals.period_comments,
    pct(hits.comments, totals.period_comments) as share_pct,
from hits
inner join totals using (period_start)
order by hits.period_start, hits.topic_id
