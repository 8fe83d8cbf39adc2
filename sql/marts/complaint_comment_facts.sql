-- One row per active complaint with a description x topic of the company file ('*') it
-- belongs to: topics feed the cause analysis beside the complaint's own cause category.
with

complaints as (select * from stg_complaints),
tokens as (select * from stg_comment_words where source = 'complaints'),
rules as (select * from topics where owner = '*'),

final as (
    select
        complaints.complaint_id,
        complaints.customer_id,
        complaints.received_at,
        complaints.cause_category,
        rules.topic_id,
        rules.label as topic_label,
        rules.category as topic_category,
    from complaints
    inner join tokens
        on tokens.batch_id = complaints.batch_id
        and tokens.record_id = complaints.complaint_id
    inner join rules
        on topic_match(rules.patterns, rules.exclude_patterns, tokens.tokens)
)

select * from final
