-- One row per alert a user has read in the dashboard's inbox.
create table if not exists alert_reads (
    alert_id varchar not null,
    user_name varchar not null,
    read_at timestamp with time zone not null
);
