-- One row per active response x answered dimension: its score (0-100) and answered items, from
-- the per-response lists in dimension_score_sets and each batch's order in score_dimensions.
select
    dimension_score_sets.batch_id,
    dimension_score_sets.questionnaire_id,
    dimension_score_sets.response_id,
    score_dimensions.dimension_id,
    dimension_score_sets.scores[score_dimensions.position] as score,
    dimension_score_sets.ratings[score_dimensions.position]::bigint as ratings,
from dimension_score_sets
inner join score_dimensions on score_dimensions.batch_id = dimension_score_sets.batch_id
where dimension_score_sets.ratings[score_dimensions.position] > 0
