-- One row per call of the monthly call plans (CONTRACT §9): the customer, why it was chosen,
-- its agent, attempts and state (open / completed / refused / unreached).
select
    call_id, questionnaire_id, plan_month, customer_id, reasons, assigned_to, attempts,
    last_outcome, status, callback_at, updated_at,
from call_plan
