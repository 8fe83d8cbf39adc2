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
