-- Schema 10: comment words and topics (see sql/raw/comment_tokens.sql, comment_texts.sql,
-- topics.sql); comments loaded before are tokenised by warehouse.migrate (pipelines.comments).
create table if not exists comment_tokens (
    batch_id varchar not null,
    source varchar not null,
    record_id varchar not null,
    text_id integer not null
);
create table if not exists comment_texts (
    batch_id varchar not null,
    source varchar not null,
    text_id integer not null,
    tokens varchar not null,
    terms varchar[] not null
);
create table if not exists topics (
    owner varchar not null,
    topic_id varchar not null,
    label varchar not null,
    category varchar,
    keywords varchar[] not null,
    exclude varchar[] not null,
    patterns varchar[] not null,
    exclude_patterns varchar[] not null,
    position integer not null,
    updated_at timestamp with time zone not null,
    updated_by varchar
);
