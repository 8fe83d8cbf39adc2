-- One row per filtered own response with a comment: the response, whether it is dissatisfied
-- (any dissatisfied rating) and the comment's words stored at load.
select
    responses.*,
    responses.dissatisfied > 0 as is_dissatisfied,
    tokens.tokens,
    tokens.terms,
from {{filtered_responses}} as responses
inner join stg_comment_words as tokens
    on tokens.source = 'survey'
    and tokens.batch_id = responses.batch_id
    and tokens.record_id = responses.response_id
