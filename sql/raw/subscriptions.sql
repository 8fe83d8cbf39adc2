-- One row per change of a report subscription (CONTRACT §11): added (active) or removed. The
-- newest row of an id is in force; the id names user, questionnaire, grain, format and language.
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
