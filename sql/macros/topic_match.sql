-- Whether a comment belongs to a topic: one keyword pattern matches and no exclude pattern does.
create or replace macro topic_match(patterns, exclude_patterns, tokens) as
    coalesce(list_bool_or(list_transform(patterns, p -> topic_hit(p, tokens))), false)
    and not coalesce(list_bool_or(list_transform(exclude_patterns, p -> topic_hit(p, tokens))), false)
