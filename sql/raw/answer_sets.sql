-- One row per response: its level values in its batch's item order (NULL = not answered),
-- its survey date and its customer. Sorted by survey month, then customer
-- (warehouse.migrate.SORT_ORDERS): the newest months (the Pareto drill-down) and one customer's
-- responses (a customer's histogram) are each a few row groups, not the whole table (issue 15).
create table if not exists answer_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    level_values double[] not null,
    survey_date date,
    customer_id varchar
);
