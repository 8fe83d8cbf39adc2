-- One row per answered item of a response (long form); never updated.
create table if not exists answers (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    item_id varchar not null,
    level_value double not null
);
