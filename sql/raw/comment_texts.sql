-- One row per distinct comment text of a batch: its words, tokenised once in the load
-- transaction (pipelines/text.py), so no page tokenises.
create table if not exists comment_texts (
    batch_id varchar not null,
    source varchar not null,
    text_id integer not null,
    -- the words in order between bars, '' where punctuation stood: |交车|慢||等|了|
    tokens varchar not null,
    -- distinct meaningful words and two-word phrases, sorted
    terms varchar[] not null
);
