-- One row per batch x questionnaire x month x scope x subject x channel x customer: the
-- responses. Written from response_scores by sql/rollups/customer_counts.sql; read by
-- filtered_customer_months (coverage, the list of customers surveyed) for whole months with
-- no staff, segment or region filter or region limit (issue 15). Without the staff member: in
-- the benchmark's warehouse a customer met 40 of them, and the rollup held as many rows as
-- there were responses (7.8 M of 10 M) instead of 480,000.
create table if not exists customer_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    channel varchar,
    customer_id varchar not null,
    responses bigint not null
);
