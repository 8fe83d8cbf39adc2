-- One row per call of a monthly call plan (CONTRACT §9): the customer, every rule that chose
-- it, and the attempts it may take. Planning a month again adds only new customers.
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
