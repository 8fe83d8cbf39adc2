-- Schema 25 (issue 41): alerts recorded once each (CONTRACT §11), who has read them, and every
-- try to deliver them by e-mail or chat robot.
create table if not exists alerts (
    alert_id varchar not null,
    rule varchar not null,
    questionnaire_id varchar,
    scope varchar,
    region varchar,
    period_start date not null,
    value double,
    center double,
    lower_limit double,
    upper_limit double,
    n bigint,
    severity varchar not null,
    fired_at timestamp with time zone not null
);
create table if not exists alert_reads (
    alert_id varchar not null,
    user_name varchar not null,
    read_at timestamp with time zone not null
);
create table if not exists alert_deliveries (
    alert_id varchar not null,
    channel varchar not null,
    target varchar not null,
    tried_at timestamp with time zone not null,
    ok boolean not null,
    detail varchar
);
insert into write_locks select 'alerts' where not exists (select 1 from write_locks where name = 'alerts');
