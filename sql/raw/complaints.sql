-- One row per loaded complaint.
create table if not exists complaints (
    batch_id varchar not null,
    complaint_id varchar not null,
    customer_id varchar not null,
    received_at timestamp not null,
    channel varchar,
    product varchar,
    dimension_id varchar,
    cause_category varchar not null,
    cause varchar,
    severity varchar,
    responsible_dept varchar,
    first_response_at timestamp,
    verified_at timestamp,
    resolved_at timestamp,
    description varchar,
    source_row bigint not null
);
