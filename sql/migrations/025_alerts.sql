-- Schema 25 (issue 41): alerts recorded once each (CONTRACT §11) and who has read them.
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
insert into write_locks select 'alerts' where not exists (select 1 from write_locks where name = 'alerts');
