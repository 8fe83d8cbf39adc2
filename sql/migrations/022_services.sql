-- Schema 22 (issue 39): service visits (CONTRACT §9), an upload kind the call plan samples.
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
