-- One row per response: its level values in its batch's item order (NULL = not answered),
-- its survey date and its customer (a customer's histogram reads that customer's rows only). Sorted by that date (warehouse.migrate.SORTED_BY_DATE), so a query of
-- recent responses reads the row groups of recent dates only (the Pareto drill-down).
create table if not exists answer_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    level_values double[] not null,
    survey_date date,
    customer_id varchar
);
