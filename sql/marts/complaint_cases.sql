-- One row per complaint (its newest version): the case's status and deadlines (CONTRACT §10),
-- the one definition the case board, the service-level shares and the public case view read.
-- Each deadline is 'met', 'missed', 'pending' (not yet due) or 'unknown' (a history complaint
-- without that time: left out of the shares, never late).
with

complaints as (select * from stg_complaints),
versions as (
    select complaint_id, count(*) as versions,
    from complaints_all_versions
    group by complaint_id
),
batches as (select batch_id, loaded_at from batches),

dated as (
    select
        complaints.*,
        local_now() as now_at,
        complaints.received_at + interval 24 hour as respond_due_at,
        working_day_after(complaints.received_at, 3) as verify_due_date,
        working_days(complaints.received_at, complaints.verified_at) as verify_working_days,
        working_days(complaints.received_at, local_now()) as working_days_open,
        epoch(complaints.first_response_at - complaints.received_at) / 3600.0 as first_response_hours,
        versions.versions,
        timezone(stg_settings.timezone, batches.loaded_at)::timestamp as updated_at,
        complaints.changed_by as updated_by,
    from complaints
    left join versions using (complaint_id)
    left join batches using (batch_id)
    cross join stg_settings
),

final as (
    select
        * exclude (now_at, working_days_open),
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
