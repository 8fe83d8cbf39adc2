-- One row per topic x dimension: the mean dimension score (0-100) of the filtered responses
-- whose comment mentions the topic, beside the mean of all commented responses.
with

comments as (select * from {{filtered_comments}}),
rules as (select * from stg_topic_rules where questionnaire_id = $qid),
scores as (select * from response_dimension_scores where questionnaire_id = $qid),

scored as (
    select comments.tokens, comments.terms, scores.dimension_id, scores.score
    from comments
    inner join scores
        on scores.batch_id = comments.batch_id
        and scores.response_id = comments.response_id
),

overall as (
    select dimension_id, avg(score) as all_score from scored group by dimension_id
),

per_topic as (
    select
        rules.topic_id,
        any_value(rules.label) as topic_label,
        scored.dimension_id,
        avg(scored.score) as score,
        count(*) as responses,
    from scored
    inner join rules
        on topic_match(rules.patterns, rules.exclude_patterns, scored.tokens)
    group by all
)

select
    per_topic.*,
    overall.all_score,
    per_topic.score - overall.all_score as gap,
from per_topic
inner join overall using (dimension_id)
order by per_topic.topic_id, per_topic.dimension_id
