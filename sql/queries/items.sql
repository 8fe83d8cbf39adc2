-- One row per item of a questionnaire, in questionnaire order.
select
    items.item_id,
    items.item_label,
    items.dimension_id,
    dimensions.dimension_label,
    items.position,
from q_items as items
inner join q_dimensions as dimensions
    on dimensions.questionnaire_id = items.questionnaire_id
    and dimensions.dimension_id = items.dimension_id
where items.questionnaire_id = $qid
order by items.position
