-- One row per batch x month x questionnaire x scope x subject x dimension: responses rating it.
create table if not exists dimension_response_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    dimension_id varchar not null,
    responses bigint not null
);
