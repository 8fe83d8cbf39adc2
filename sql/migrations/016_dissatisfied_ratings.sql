-- Schema 16 (issue 15): the dissatisfied_ratings table (sql/raw/dissatisfied_ratings.sql),
-- filled by warehouse.migrate from the answer sets and response scores an older warehouse
-- holds; its order (warehouse.migrate.SORT_ORDERS) is set after the transaction, and the rows
-- are written in that order.
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
    csi double
);
