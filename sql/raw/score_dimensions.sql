-- One row per batch x dimension: its 1-based position in the lists of dimension_score_sets.
create table if not exists score_dimensions (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    position integer not null,
    dimension_id varchar not null
);
