-- One row per active response x answered dimension (rollup of answers).
create table if not exists response_dimension_scores (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    dimension_id varchar not null,
    score double not null,
    ratings bigint not null
);
