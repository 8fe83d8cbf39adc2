-- One row per loaded survey comment (source 'survey', record_id = response_id) or complaint
-- description (source 'complaints', record_id = complaint_id): which of its batch's distinct
-- texts it is (comment_texts), so a text repeated is tokenised and stored once.
create table if not exists comment_tokens (
    batch_id varchar not null,
    source varchar not null,
    record_id varchar not null,
    text_id integer not null
);
