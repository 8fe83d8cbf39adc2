-- One row per alert (CONTRACT §11), recorded once by `alerts run`: the rule, its group and
-- month, the value against its centre and limits, n and when it fired.
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
