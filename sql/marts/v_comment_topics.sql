-- One row per grain x period x questionnaire x topic: comments mentioning it, how many of
-- them are dissatisfied, its share of the period's comments and the mean CSI of its responses.
with

comments as (select * from comment_facts),
hits as (select * from comment_topic_facts),
rules as (select * from stg_topic_rules),
grains as (select * from stg_grains),

totals as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, comments.survey_date)::date as period_start,
        comments.questionnaire_id,
        count(*) as period_comments,
    from comments
    cross join grains
    group by all
),

per_topic as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, hits.survey_date)::date as period_start,
        hits.questionnaire_id,
        hits.topic_id,
        count(*) as comments,
        count(*) filter (where hits.is_dissatisfied) as dissatisfied_comments,
        avg(hits.csi) as mean_csi,
    from hits
    cross join grains
    group by all
),

final as (
    select
        totals.period_grain,
        totals.period_start,
        totals.questionnaire_id,
        rules.topic_id,
        rules.label as topic_label,
        rules.category as topic_category,
        coalesce(per_topic.comments, 0) as comments,
        coalesce(per_topic.dissatisfied_comments, 0) as dissatisfied_comments,
        pct(coalesce(per_topic.comments, 0), totals.period_comments) as share_pct,
        per_topic.mean_csi,
        totals.period_comments,
    from totals
    inner join rules
        on rules.questionnaire_id = totals.questionnaire_id
    left join per_topic
        on per_topic.period_grain = totals.period_grain
        and per_topic.period_start = totals.period_start
        and per_topic.questionnaire_id = totals.questionnaire_id
        and per_topic.topic_id = rules.topic_id
)

select * from final
