-- One row per filtered comment using the term $term or in the topic $topic (either may be
-- unset), dissatisfied first, then newest; the newest 500, personal numbers masked.
with

comments as (select * from {{filtered_comments}}),
rules as (select * from stg_topic_rules where questionnaire_id = $qid and topic_id = $topic),

matching as (
    select comments.*
    from comments
    left join rules on true
    where ($term::varchar is null or list_contains(comments.terms, $term))
        and (
            $topic::varchar is null
            or coalesce(topic_match(rules.patterns, rules.exclude_patterns, comments.tokens), false)
        )
)

select
    -- Phone and ID numbers masked for all but admins ($unmask; unset = masked).
    case when coalesce($unmask, false) then raw.comment else mask_pii(raw.comment) end as comment,
    matching.survey_date,
    matching.response_id,
    matching.customer_name,
    matching.csi,
    matching.is_dissatisfied,
from matching
inner join stg_responses as raw
    on raw.batch_id = matching.batch_id
    and raw.questionnaire_id = matching.questionnaire_id
    and raw.response_id = matching.response_id
order by matching.is_dissatisfied desc, matching.survey_date desc, matching.response_id
limit 500
