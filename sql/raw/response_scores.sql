-- One row per active response: scores computed in the load transaction; sorted by survey month,
-- then customer (warehouse.migrate.SORT_ORDERS), so that a range of recent dates, or one
-- customer's responses, read few row groups. sample_key: the macro sample_key (issue 15).
create table if not exists response_scores (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    customer_id varchar not null,
    survey_date date not null,
    scope varchar not null,
    channel varchar,
    subject varchar not null,
    staff_id varchar,
    csi double,
    points double,
    max_points double,
    ratings bigint not null,
    satisfied bigint not null,
    dissatisfied bigint not null,
    overall_score double,
    sample_key ubigint
);
