-- One row per questionnaire item, flattened from the TOML for SQL.
create table if not exists q_items (
    questionnaire_id varchar not null,
    item_id varchar not null,
    item_column varchar not null,
    item_label varchar,
    dimension_id varchar not null,
    scale_id varchar not null,
    position integer not null,
    required boolean  -- it must be answered on the call desk (schema 24)
);
