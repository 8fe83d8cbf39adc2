-- One row per dimension x level value of a questionnaire's points scheme.
create table if not exists q_points (
    questionnaire_id varchar not null,
    dimension_id varchar not null,
    level_value double not null,
    points double not null
);
