-- Whether one keyword pattern (pipelines.text.keyword_pattern) matches a comment: a single
-- word is one of its terms, several words '|a|b|' stand side by side in its tokens.
create or replace macro topic_hit(pattern, tokens, terms) as
    case when starts_with(pattern, '|') then contains(tokens, pattern) else list_contains(terms, pattern) end
