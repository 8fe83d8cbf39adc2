-- One row per hand-over of a call to an agent (NULL: taken back); the newest row is in force.
create table if not exists call_assignments (
    call_id varchar not null,
    assigned_to varchar,
    assigned_at timestamp with time zone not null,
    assigned_by varchar
);
