-- One row per active response: its CSI, points and its customer's segment that year.
select
    response_id,
    questionnaire_id,
    batch_id,
    customer_id,
    survey_date,
    scope,
    channel,
    subject,
    staff_id,
    segment,
    csi,
    points,
    max_points,
from response_facts
