-- One row per loaded service visit (维修保养, CONTRACT §9).
create table if not exists services (
    batch_id varchar not null,
    service_id varchar not null,
    customer_id varchar not null,
    service_date date not null,
    kind varchar,
    staff_id varchar,
    product varchar,
    source_row bigint not null
);
