-- One row per comment x topic it belongs to (macro topic_match over stg_topic_rules).
with

comments as (select * from comment_facts),
rules as (select * from stg_topic_rules),

final as (
    select
        comments.* exclude (tokens, terms),
        rules.topic_id,
        rules.label as topic_label,
        rules.category as topic_category,
    from comments
    inner join rules
        on rules.questionnaire_id = comments.questionnaire_id
        and topic_match(rules.patterns, rules.exclude_patterns, comments.tokens)
)

select * from final
