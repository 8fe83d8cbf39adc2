-- One row per planned follow-up contact.
create table if not exists contacts (
    batch_id varchar not null,
    contact_id varchar not null,
    customer_id varchar not null,
    contact_date date not null,
    scope varchar,
    channel varchar,
    outcome varchar not null,
    source_row bigint not null
);
