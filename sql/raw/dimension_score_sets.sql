-- One row per active response: its dimension scores (0-100) and answered-item counts, sorted by
-- sample_key (the macro; warehouse.migrate.SORT_ORDERS): the key-driver sample reads the rows
-- of the smallest keys, a few row groups whatever the warehouse's size (issue 15). The
-- response's date, scope, subject, channel, staff member, CSI and overall-item score are kept
-- beside them (schema 15), so that the sample is filtered and taken here: response_scores is
-- sorted by month, and taking the smallest keys of it read every row.
create table if not exists dimension_score_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    scores double[] not null,
    ratings integer[] not null,
    sample_key ubigint,
    survey_date date,
    scope varchar,
    subject varchar,
    channel varchar,
    staff_id varchar,
    csi double,
    overall_score double
);
