-- One row per applied schema migration.
create table if not exists schema_version (
    version integer not null,
    name varchar not null,
    applied_at timestamp with time zone not null
);
