-- One row per call of the monthly call plans (CONTRACT §9): its agent, attempts and state,
-- with how many attempts it may take and who planned it when. A completed attempt completes
-- the call and a refusal ends it; after max_attempts unreached attempts it is closed as
-- unreached; otherwise it is open. callback_at: the last unreached attempt's appointment, while open.
with

calls as (select * from calls),
attempts as (select * from stg_call_attempts),

assignment as (
    select call_id, assigned_to, assigned_at,
    from call_assignments
    qualify row_number() over (partition by call_id order by assigned_at desc) = 1
),

tried as (
    select
        call_id,
        count(*) as attempts,
        arg_max(outcome, attempt) as last_outcome,
        arg_max(callback_at, attempt) as last_callback_at,
        count(*) filter (where outcome = 'completed') as completed,
        count(*) filter (where outcome = 'refused') as refused,
        count(*) filter (where outcome = 'unreached') as unreached,
        max(recorded_at) as recorded_at,
    from attempts
    group by call_id
),

final as (
    select
        calls.call_id,
        calls.questionnaire_id,
        calls.plan_month,
        calls.customer_id,
        calls.reasons,
        assignment.assigned_to,
        coalesce(tried.attempts, 0) as attempts,
        tried.last_outcome,
        case
            when tried.completed > 0 then 'completed'
            when tried.refused > 0 then 'refused'
            when tried.unreached >= calls.max_attempts then 'unreached'
            else 'open'
        end as status,
        case
            when coalesce(tried.completed, 0) + coalesce(tried.refused, 0) = 0
                and coalesce(tried.unreached, 0) < calls.max_attempts
                then tried.last_callback_at
        end as callback_at,
        greatest(calls.planned_at, assignment.assigned_at, tried.recorded_at) as updated_at,
        calls.max_attempts,
        calls.planned_at,
        calls.planned_by,
    from calls
    left join assignment using (call_id)
    left join tried using (call_id)
)

select * from final
