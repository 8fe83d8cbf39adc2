-- One row per active response: its dimension scores (0-100) and answered-item counts, sorted by
-- sample_key (the macro; warehouse.migrate.SORT_ORDERS): the key-driver sample reads the rows
-- of the smallest keys, a few row groups whatever the warehouse's size (issue 15).
create table if not exists dimension_score_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    scores double[] not null,
    ratings integer[] not null,
    sample_key ubigint
);
