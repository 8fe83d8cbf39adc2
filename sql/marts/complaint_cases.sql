-- One row per complaint (its newest version): the case's status and deadlines (CONTRACT §10),
-- the one definition the case board, the service-level shares and the public case view read.
-- Each deadline is 'met', 'missed', 'pending' (not yet due) or 'unknown' (a history complaint
-- without that time: left out of the shares, never late).
with

complaints as (select * from stg_complaints),
-- The calendar joined by day, not the working_days macro per row: its scalar subqueries run
-- once per case.
calendar as (select day, is_workday, workday_number from work_calendar),
clock as (select local_now() as now_at),
versions as (
    select complaint_id, count(*) as versions,
    from complaints_all_versions
    group by complaint_id
),
batches as (select batch_id, loaded_at from batches),
settings as (select timezone from stg_settings),

dated as (
    select
        complaints.*,
        clock.now_at,
        complaints.received_at + interval 24 hour as respond_due_at,
        due.day as verify_due_date,
        verified.workday_number - received.workday_number as verify_working_days,
        today.workday_number - received.workday_number as working_days_open,
        due.workday_number - today.workday_number as verify_days_left,
        epoch(complaints.first_response_at - complaints.received_at) / 3600.0 as first_response_hours,
        versions.versions,
        timezone(settings.timezone, batches.loaded_at)::timestamp as updated_at,
        complaints.changed_by as updated_by,
    from complaints
    cross join clock
    cross join settings
    left join calendar as received on received.day = complaints.received_at::date
    left join calendar as verified on verified.day = complaints.verified_at::date
    left join calendar as today on today.day = clock.now_at::date
    left join calendar as due
        on due.is_workday and due.workday_number = received.workday_number + 3
    left join versions using (complaint_id)
    left join batches using (batch_id)
),

final as (
    select
        * exclude (now_at, working_days_open, verify_days_left),
        case when first_response_at is null and not is_history
            then round(epoch(respond_due_at - now_at) / 3600.0, 1) end as answer_hours_left,
        case when verified_at is null and not is_history then verify_days_left end as verify_days_left,
        case
            when closed_at is not null then 'closed'
            when resolved_at is not null then 'resolved'
            when verified_at is not null then 'verified'
            when first_response_at is not null then 'responded'
            when responsible_dept is not null then 'assigned'
            else 'registered'
        end as status,
        case
            when first_response_at <= respond_due_at then 'met'
            when first_response_at is not null then 'missed'
            when is_history then 'unknown'
            when now_at > respond_due_at then 'missed'
            else 'pending'
        end as answer_status,
        case
            when verify_working_days <= 3 then 'met'
            when verified_at is not null then 'missed'
            when is_history then 'unknown'
            when working_days_open > 3 then 'missed'
            else 'pending'
        end as verify_status,
        answer_status = 'missed' as is_respond_late,
        verify_status = 'missed' as is_verify_late,
        coalesce(promised_at < coalesce(resolved_at, now_at), false) as is_promise_broken,
    from dated
)

select * from final
