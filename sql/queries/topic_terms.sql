-- One row per word of the filtered comments in the topic $topic: how many of them use it,
-- most first (the topic's keywords, their parts and the phrases holding them left out), the
-- top 10. A topic whose comments share the words of another subject (交车 in 响应速度) has a
-- keyword caught out of context.
with

comments as (select * from {{filtered_comments}}),
rules as (select * from stg_topic_rules where questionnaire_id = $qid and topic_id = $topic),

matching as (
    select comments.*, rules.keywords,
    from comments
    inner join rules on true
    where coalesce(topic_match(rules.patterns, rules.exclude_patterns, comments.tokens), false)
),

words as (
    select unnest(list_distinct(terms)) as term, keywords,
    from matching
),

final as (
    select term, count(*) as comments,
    from words
    where not list_bool_or(
        list_transform(keywords, keyword -> contains(keyword, term) or contains(term, keyword))
    )
    group by term
    order by comments desc, term
    limit 10
)

select * from final
