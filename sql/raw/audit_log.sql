-- One row per event: load, replace, rollback, questionnaire, setting, user change, login and
-- failed login, report and download; user_name is who (cli:<os user> on the command line).
create table if not exists audit_log (
    logged_at timestamp with time zone not null,
    action varchar not null,
    batch_id varchar,
    detail varchar,
    user_name varchar
);
