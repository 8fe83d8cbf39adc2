-- One row per complaint (newest version, CONTRACT §10): every field, its status and deadlines,
-- whether each step was late, whether a promise was broken, is_history, how many versions it
-- has and who wrote the newest one when (company time).
select
    complaint_id, customer_id, received_at, channel, product, dimension_id as dimension,
    cause_category, cause, severity, responsible_dept, first_response_at, verified_at,
    resolved_at, description, handler, assigned_at, is_valid, solution, promised_at,
    customer_informed_at, customer_accepted, closed_at, status, respond_due_at,
    verify_due_date, is_respond_late, is_verify_late, is_promise_broken, is_history, versions,
    updated_at, updated_by,
from complaint_cases
