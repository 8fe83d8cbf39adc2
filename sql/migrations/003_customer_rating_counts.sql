-- Schema 3: one row per batch x month x questionnaire x scope x subject x customer x item x
-- level; per-customer item histograms without scanning every answer.
create table if not exists customer_rating_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    customer_id varchar not null,
    item_id varchar not null,
    level_value double not null,
    ratings bigint not null
);
