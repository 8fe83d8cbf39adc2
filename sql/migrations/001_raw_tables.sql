-- Schema 1: the raw tables as first created (frozen; sql/raw/ shows today's schema).
-- One row per answered item of a response (long form); never updated.
create table if not exists answers (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    item_id varchar not null,
    level_value double not null
);

-- One row per change to the warehouse: load, replace, rollback, questionnaire.
create table if not exists audit_log (
    logged_at timestamp with time zone not null,
    action varchar not null,
    batch_id varchar,
    detail varchar
);

-- One row per loaded file (a batch); status 'loaded' or 'rolled_back'.
create table if not exists batches (
    batch_id varchar not null,
    kind varchar not null,
    file_name varchar,
    sha256 varchar not null,
    rows bigint not null,
    questionnaire_id varchar,
    loaded_at timestamp with time zone not null,
    status varchar not null,
    options varchar
);

-- One row per loaded complaint.
create table if not exists complaints (
    batch_id varchar not null,
    complaint_id varchar not null,
    customer_id varchar not null,
    received_at timestamp not null,
    channel varchar,
    product varchar,
    dimension_id varchar,
    cause_category varchar not null,
    cause varchar,
    severity varchar,
    responsible_dept varchar,
    first_response_at timestamp,
    verified_at timestamp,
    resolved_at timestamp,
    description varchar,
    source_row bigint not null
);

-- One row per planned follow-up contact.
create table if not exists contacts (
    batch_id varchar not null,
    contact_id varchar not null,
    customer_id varchar not null,
    contact_date date not null,
    scope varchar,
    channel varchar,
    outcome varchar not null,
    source_row bigint not null
);

-- One row per loaded customer record.
create table if not exists customers (
    batch_id varchar not null,
    customer_id varchar not null,
    name varchar not null,
    region varchar,
    industry varchar,
    phone varchar,
    source_row bigint not null
);

-- One row per batch x month x questionnaire x scope x subject x dimension: responses rating it.
create table if not exists dimension_response_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    dimension_id varchar not null,
    responses bigint not null
);

-- One row per questionnaire dimension.
create table if not exists q_dimensions (
    questionnaire_id varchar not null,
    dimension_id varchar not null,
    dimension_label varchar not null,
    weight double not null,
    has_points boolean not null,
    max_points double,
    position integer not null,
    category varchar
);

-- One row per questionnaire item, flattened from the TOML for SQL.
create table if not exists q_items (
    questionnaire_id varchar not null,
    item_id varchar not null,
    item_column varchar not null,
    item_label varchar,
    dimension_id varchar not null,
    scale_id varchar not null,
    position integer not null
);

-- One row per level of a questionnaire scale, with its 0-100 norm.
create table if not exists q_levels (
    questionnaire_id varchar not null,
    scale_id varchar not null,
    level_value double not null,
    level_label varchar not null,
    is_satisfied boolean not null,
    is_dissatisfied boolean not null,
    norm_score double not null
);

-- One row per dimension x level value of a questionnaire's points scheme.
create table if not exists q_points (
    questionnaire_id varchar not null,
    dimension_id varchar not null,
    level_value double not null,
    points double not null
);

-- One row per questionnaire version; the latest version is the one in force.
create table if not exists questionnaires (
    questionnaire_id varchar not null,
    version integer not null,
    title varchar not null,
    scope varchar not null,
    toml varchar not null,
    added_at timestamp with time zone not null
);

-- One row per batch x month x questionnaire x scope x subject x item x level.
create table if not exists rating_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    item_id varchar not null,
    level_value double not null,
    ratings bigint not null
);

-- One row per active response x answered dimension (rollup of answers).
create table if not exists response_dimension_scores (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    dimension_id varchar not null,
    score double not null,
    ratings bigint not null
);

-- One row per active response: scores computed in the load transaction.
create table if not exists response_scores (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    customer_id varchar not null,
    survey_date date not null,
    scope varchar not null,
    channel varchar,
    subject varchar not null,
    staff_id varchar,
    csi double,
    points double,
    max_points double,
    ratings bigint not null,
    satisfied bigint not null,
    dissatisfied bigint not null
);

-- One row per loaded survey response (own or competitor subject).
create table if not exists responses (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    customer_id varchar not null,
    survey_date date not null,
    scope varchar not null,
    channel varchar,
    subject varchar not null,
    staff_id varchar,
    comment varchar,
    source_row bigint not null
);

-- One row per loaded period x customer x product of shipments and revenue.
create table if not exists sales (
    batch_id varchar not null,
    period date not null,
    customer_id varchar not null,
    product varchar,
    shipments bigint not null,
    quantity double,
    revenue double not null,
    source_row bigint not null
);

-- One row per applied schema migration.
create table if not exists schema_version (
    version integer not null,
    name varchar not null,
    applied_at timestamp with time zone not null
);

-- One row per setting (key-account threshold, CSI targets, saved mappings).
create table if not exists settings (
    key varchar not null,
    value varchar not null
);

-- One row per record that a --replace load superseded; the old row stays.
create table if not exists supersessions (
    kind varchar not null,
    record_key varchar not null,
    old_batch_id varchar not null,
    new_batch_id varchar not null,
    superseded_at timestamp with time zone not null
);
