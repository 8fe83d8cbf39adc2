-- One row per active (not superseded) complaint.
with

complaints as (select * from complaints),
supersessions as (select * from supersessions where kind = 'complaints'),

final as (
    select
        complaints.* exclude (source_row),
        complaints.resolved_at is null as is_open,
    from complaints
    anti join supersessions
        on supersessions.record_key = complaints.complaint_id
        and supersessions.old_batch_id = complaints.batch_id
)

select * from final
