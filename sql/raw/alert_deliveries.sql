-- One row per try to deliver an alert to one target (an e-mail address, a robot webhook URL):
-- a failed one is tried again at the next `alerts run`.
create table if not exists alert_deliveries (
    alert_id varchar not null,
    channel varchar not null,
    target varchar not null,
    tried_at timestamp with time zone not null,
    ok boolean not null,
    detail varchar
);
