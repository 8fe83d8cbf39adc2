-- One row per change to a dashboard user (add, role, regions, password, disable); the newest
-- row of a name is in force. Passwords only as scrypt hashes (warehouse/users.py).
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
