-- One row per batch x item: the item's 1-based position in answer_sets.level_values.
create table if not exists answer_items (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    position integer not null,
    item_id varchar not null
);
