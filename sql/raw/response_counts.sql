-- One row per batch x questionnaire x month x scope x subject x channel x staff member: the
-- responses, their first and last survey dates (the questionnaire's dates) and the sums the CSI trend, year on year, breakdown by scope and survey rate need,
-- per-response moments included (tests on responses). Written from response_scores by
-- sql/rollups/response_counts.sql; read by filtered_response_moments without a segment or
-- region filter or region limit (issue 15).
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
    max_points double,
    first_date date,
    last_date date
);
