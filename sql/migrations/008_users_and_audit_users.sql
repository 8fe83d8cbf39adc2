-- Schema 8: dashboard users (CONTRACT §7), one row per change, and who did each audited event.
create table if not exists users (
    user_name varchar not null,
    role varchar not null,
    regions varchar,
    password_hash varchar,
    email varchar,
    disabled boolean not null,
    changed_at timestamp with time zone not null,
    changed_by varchar
);

alter table audit_log add column user_name varchar;
