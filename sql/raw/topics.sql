-- One row per comment topic: a questionnaire's [[topics]] (owner = its id) or the company-wide
-- topic file (owner = '*'). A comment is in a topic when one of its keywords matches and no
-- exclude word does (macro topic_match); patterns are the keywords as pipelines/text.py
-- matches them, so a changed topic applies to every comment already loaded.
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
    updated_by varchar,
    label_en varchar
);
