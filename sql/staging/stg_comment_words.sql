-- One row per loaded comment or complaint description with its words (comment_tokens joined
-- to its batch's distinct texts, comment_texts).
select
    comment_tokens.batch_id,
    comment_tokens.source,
    comment_tokens.record_id,
    comment_texts.tokens,
    comment_texts.terms,
from comment_tokens
inner join comment_texts
    on comment_texts.batch_id = comment_tokens.batch_id
    and comment_texts.source = comment_tokens.source
    and comment_texts.text_id = comment_tokens.text_id
