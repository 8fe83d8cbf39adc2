-- One row per loaded customer record.
create table if not exists customers (
    batch_id varchar not null,
    customer_id varchar not null,
    name varchar not null,
    region varchar,
    industry varchar,
    phone varchar,
    source_row bigint not null
);
