-- Schema 26 (issue 41): report subscriptions and every try to send one (CONTRACT §11).
create table if not exists subscriptions (
    subscription_id varchar not null,
    user_name varchar not null,
    questionnaire_id varchar not null,
    grain varchar not null,
    format varchar not null,
    lang varchar not null,
    active boolean not null,
    changed_at timestamp with time zone not null,
    changed_by varchar
);
create table if not exists report_sends (
    subscription_id varchar not null,
    period_start date not null,
    tried_at timestamp with time zone not null,
    ok boolean,
    detail varchar
);
insert into write_locks select 'sends' where not exists (select 1 from write_locks where name = 'sends');
