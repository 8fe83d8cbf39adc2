-- Schema 12: the response_counts rollup (sql/raw/response_counts.sql), so that the Overview's
-- CSI trend, year on year, breakdown by scope and survey rate read a few thousand rows instead
-- of every response (issue 15). warehouse.migrate fills it from response_scores.
create table if not exists response_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    channel varchar,
    staff_id varchar,
    responses bigint not null,
    csi_n bigint not null,
    csi_sum double,
    csi_sq_sum double,
    satisfied bigint,
    dissatisfied bigint,
    ratings bigint,
    satisfied_sq double,
    satisfied_ratings double,
    ratings_sq double,
    points_n bigint not null,
    points double,
    max_points double
);
