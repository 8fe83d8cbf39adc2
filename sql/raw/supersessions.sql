-- One row per record that a --replace load superseded; the old row stays.
create table if not exists supersessions (
    kind varchar not null,
    record_key varchar not null,
    old_batch_id varchar not null,
    new_batch_id varchar not null,
    superseded_at timestamp with time zone not null
);
