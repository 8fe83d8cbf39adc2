-- One row per change to a dashboard user (add, role, regions, disable); the newest row of a
-- name is in force. Its password is in `passwords`.
create table if not exists users (
    user_name varchar not null,
    role varchar not null,
    regions varchar,
    email varchar,
    disabled boolean not null,
    changed_at timestamp with time zone not null,
    changed_by varchar,
    dept varchar  -- the responsible department of a `department` user (schema 21)
);
