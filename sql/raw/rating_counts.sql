-- One row per batch x month x questionnaire x scope x subject x item x level.
create table if not exists rating_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    item_id varchar not null,
    level_value double not null,
    ratings bigint not null
);
