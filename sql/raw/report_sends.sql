-- One row per try to e-mail a subscribed report of one period (`send`): ok null while a run is
-- sending it (so that a second run at once leaves it alone), then true or false.
create table if not exists report_sends (
    subscription_id varchar not null,
    period_start date not null,
    tried_at timestamp with time zone not null,
    ok boolean,
    detail varchar
);
