-- One row per grain x period x questionnaire x scope x subject x dimension x item x level.
select
    period_grain,
    period_start,
    questionnaire_id,
    scope,
    subject,
    dimension_id,
    item_id,
    level_value,
    level_label,
    ratings,
from dimension_level_counts
