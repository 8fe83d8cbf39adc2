-- One row per active response: its dimension scores (0-100) and answered-item counts.
create table if not exists dimension_score_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    scores double[] not null,
    ratings integer[] not null
);
