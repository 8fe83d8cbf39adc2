-- One row per active response: scores computed in the load transaction; sorted by survey date
-- (warehouse.migrate.SORTED_BY_DATE), so that a range of recent dates reads few row groups.
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
    overall_score double
);
