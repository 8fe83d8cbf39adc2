-- Schema 18 (issue 35): password hashes move from `users` (a VARCHAR column, whose min and max
-- DuckLake keeps in the catalog, and small inserts inlined there) to `passwords` (a BLOB column,
-- never inlined). warehouse.migrate moves the hashes and writes `users` anew without them;
-- `maintain` then expires the snapshots (and deletes the files) that still hold the old table.
create table if not exists passwords (
    user_name varchar not null,
    password_hash blob not null,
    set_at timestamp with time zone not null
);
