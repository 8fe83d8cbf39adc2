-- One row per setting (key-account threshold, CSI targets, saved mappings).
create table if not exists settings (
    key varchar not null,
    value varchar not null
);
