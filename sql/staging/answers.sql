-- One row per answered item of a response (long form), from the per-response lists in
-- answer_sets and each batch's item order in answer_items.
select
    answer_sets.batch_id,
    answer_sets.questionnaire_id,
    answer_sets.response_id,
    answer_items.item_id,
    answer_sets.level_values[answer_items.position] as level_value,
from answer_sets
inner join answer_items on answer_items.batch_id = answer_sets.batch_id
where answer_sets.level_values[answer_items.position] is not null
