-- One row per active own response with a comment: what the filters need, whether it is
-- dissatisfied (any dissatisfied rating; the rest count as satisfied), and its words.
with

responses as (select * from response_facts where subject = 'own'),
tokens as (select * from stg_comment_words where source = 'survey'),

final as (
    select
        responses.batch_id,
        responses.questionnaire_id,
        responses.response_id,
        responses.customer_id,
        responses.survey_date,
        responses.scope,
        responses.channel,
        responses.staff_id,
        responses.segment,
        responses.region,
        responses.csi,
        responses.dissatisfied > 0 as is_dissatisfied,
        tokens.tokens,
        tokens.terms,
    from responses
    inner join tokens
        on tokens.batch_id = responses.batch_id
        and tokens.record_id = responses.response_id
)

select * from final
