-- One row per password set for a user; the newest of a name is in force. Only scrypt hashes
-- (warehouse/users.py), as BLOB: DuckLake keeps no min/max statistics of a BLOB column in the
-- catalog, and the table is never inlined there (warehouse.migrate.NOT_INLINED), so nothing
-- that opens the catalog file reads a hash.
create table if not exists passwords (
    user_name varchar not null,
    password_hash blob not null,
    set_at timestamp with time zone not null
);
