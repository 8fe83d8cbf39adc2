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
