-- One row per dimension of a questionnaire, in questionnaire order.
select dimension_id, dimension_label, weight, category, position,
from q_dimensions
where questionnaire_id = $qid
order by position
