-- One row per change to the warehouse: load, replace, rollback, questionnaire.
create table if not exists audit_log (
    logged_at timestamp with time zone not null,
    action varchar not null,
    batch_id varchar,
    detail varchar
);
