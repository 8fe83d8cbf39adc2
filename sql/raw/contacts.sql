-- One row per planned follow-up contact; a call of the call plan (schema 23) has a row per
-- attempt, with its call, agent, time, callback appointment and note.
create table if not exists contacts (
    batch_id varchar not null,
    contact_id varchar not null,
    customer_id varchar not null,
    contact_date date not null,
    scope varchar,
    channel varchar,
    outcome varchar not null,
    source_row bigint not null,
    call_id varchar,
    agent varchar,
    contacted_at timestamp,
    callback_at timestamp,
    note varchar
);
