-- Whether one keyword pattern (pipelines.text.keyword_pattern) matches a comment's tokens: a
-- single word is found inside one word of the comment (态度 in 服务态度; a pattern without bars
-- cannot reach across the bars between words), several words '|a|b|' stand side by side.
create or replace macro topic_hit(pattern, tokens) as contains(tokens, pattern)
