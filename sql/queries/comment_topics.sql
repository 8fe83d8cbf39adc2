-- One row per topic of the questionnaire over the filtered comments: how many mention it, how
-- many of those are dissatisfied, its share of all comments and the mean CSI of its responses.
with

comments as (select * from {{filtered_comments}}),
rules as (select * from stg_topic_rules where questionnaire_id = $qid),

hits as (
    select
        rules.topic_id,
        count(*) as comments,
        count(*) filter (where comments.is_dissatisfied) as dissatisfied_comments,
        avg(comments.csi) as mean_csi,
    from comments
    inner join rules
        on topic_match(rules.patterns, rules.exclude_patterns, comments.tokens)
    group by rules.topic_id
),

totals as (
    select
        count(*) as all_comments,
        count(*) filter (where is_dissatisfied) as all_dissatisfied,
    from comments
)

select
    rules.topic_id,
    rules.label as topic_label,
    rules.category as topic_category,
    rules.is_company,
    coalesce(hits.comments, 0) as comments,
    coalesce(hits.dissatisfied_comments, 0) as dissatisfied_comments,
    pct(coalesce(hits.comments, 0), totals.all_comments) as share_pct,
    pct(coalesce(hits.dissatisfied_comments, 0), totals.all_dissatisfied) as dissatisfied_share_pct,
    hits.mean_csi,
    totals.all_comments,
    totals.all_dissatisfied,
from rules
cross join totals
left join hits on hits.topic_id = rules.topic_id
order by dissatisfied_comments desc, comments desc, rules.position
