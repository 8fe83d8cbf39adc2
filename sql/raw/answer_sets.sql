-- One row per response: its level values in its batch's item order (NULL = not answered).
create table if not exists answer_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    level_values double[] not null
);
