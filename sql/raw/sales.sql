-- One row per loaded period x customer x product of shipments and revenue.
create table if not exists sales (
    batch_id varchar not null,
    period date not null,
    customer_id varchar not null,
    product varchar,
    shipments bigint not null,
    quantity double,
    revenue double not null,
    source_row bigint not null
);
