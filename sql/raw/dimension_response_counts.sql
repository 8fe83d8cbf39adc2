-- One row per batch x month x questionnaire x scope x subject x dimension: the responses rating
-- it, and the sum and sum of squares of their dimension scores D_d (tests on responses).
create table if not exists dimension_response_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    dimension_id varchar not null,
    responses bigint not null,
    score_sum double,
    score_sq_sum double
);
