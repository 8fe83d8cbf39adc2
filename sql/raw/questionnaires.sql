-- One row per questionnaire version; the latest version is the one in force.
create table if not exists questionnaires (
    questionnaire_id varchar not null,
    version integer not null,
    title varchar not null,
    scope varchar not null,
    toml varchar not null,
    added_at timestamp with time zone not null
);
