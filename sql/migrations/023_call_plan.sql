-- Schema 23 (issue 39): the monthly call plan (CONTRACT §9), its agents, and who made each
-- attempt of a call (a contacts row).
create table if not exists calls (
    call_id varchar not null,
    questionnaire_id varchar not null,
    plan_month date not null,
    customer_id varchar not null,
    reasons varchar[] not null,
    max_attempts integer not null,
    planned_at timestamp with time zone not null,
    planned_by varchar
);
create table if not exists call_assignments (
    call_id varchar not null,
    assigned_to varchar,
    assigned_at timestamp with time zone not null,
    assigned_by varchar
);
alter table contacts add column if not exists call_id varchar;
alter table contacts add column if not exists agent varchar;
alter table contacts add column if not exists contacted_at timestamp;
alter table contacts add column if not exists callback_at timestamp;
alter table contacts add column if not exists note varchar;
insert into write_locks select 'calls' where not exists (select 1 from write_locks where name = 'calls');
