-- One row per active response x item it rated at a dissatisfied level of the item's scale: the
-- level and what the Pareto drill-down filters on and lists (the response's date, customer,
-- scope, subject, channel, staff member, CSI and comment, unmasked: the queries mask it). Sorted by questionnaire, item, then survey
-- date (warehouse.migrate.SORT_ORDERS), so that one item's newest dissatisfied ratings are a
-- few row groups whatever the warehouse's size; the answer sets, sorted by month then customer
-- for a customer's histogram, cost a whole month (issue 15). Written from the answer sets and
-- response scores by sql/rollups/dissatisfied_ratings.sql. A scale cannot change once a
-- questionnaire has answers (questionnaire.check_change), so the levels stay dissatisfied.
create table if not exists dissatisfied_ratings (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    item_id varchar not null,
    level_value double not null,
    survey_date date not null,
    customer_id varchar not null,
    scope varchar not null,
    subject varchar not null,
    channel varchar,
    staff_id varchar,
    csi double,
    comment varchar
);
