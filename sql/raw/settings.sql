-- One row per setting change (key-account threshold, time zone, CSI targets, saved mappings,
-- calendar overrides); the newest row of a key is in force.
create table if not exists settings (
    key varchar not null,
    value varchar not null,
    set_at timestamp with time zone
);
