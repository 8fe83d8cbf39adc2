-- Schema 7: corrective actions (CONTRACT §5), one row per version, and each questionnaire's
-- survey cadence (the actions' verification window) as the setting cadence:<id>, read here
-- from the TOML of the version in force for questionnaires added before schema 7.
create table if not exists actions (
    batch_id varchar not null,
    action_id varchar not null,
    title varchar not null,
    source varchar not null,
    questionnaire_id varchar,
    item_id varchar,
    dimension_id varchar,
    cause_category varchar,
    cause varchar,
    scope varchar,
    customer_id varchar,
    responsible_dept varchar not null,
    owner varchar,
    plan varchar,
    created_at date not null,
    due_date date not null,
    reviewed_at date,
    approved_at date,
    approved_by varchar,
    customer_informed_at date,
    done_at date,
    cancelled_at date,
    follows varchar,
    changed_by varchar,
    change_note varchar,
    source_row bigint not null
);

insert into settings (key, value, set_at)
select
    'cadence:' || questionnaire_id,
    coalesce(
        nullif(regexp_extract(arg_max(toml, version), '(?m)^\s*cadence\s*=\s*["'']([a-z_]+)["'']', 1), ''),
        'month'
    ),
    current_timestamp,
from questionnaires
group by questionnaire_id;
