-- One row per loaded survey response (own or competitor subject); sorted by survey date when
-- compacted by `maintain`, not at each load (warehouse.migrate.SORT_ORDERS).
create table if not exists responses (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    customer_id varchar not null,
    survey_date date not null,
    scope varchar not null,
    channel varchar,
    subject varchar not null,
    staff_id varchar,
    comment varchar,
    source_row bigint not null
);
