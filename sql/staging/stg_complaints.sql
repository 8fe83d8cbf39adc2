-- One row per active (not superseded) complaint; is_history when its file was loaded as
-- history (--history: its missing handling times are unknown, not late).
with

complaints as (select * from complaints),
supersessions as (select * from supersessions where kind = 'complaints'),
batches as (select * from batches where kind = 'complaints'),

final as (
    select
        complaints.* exclude (source_row),
        complaints.resolved_at is null as is_open,
        coalesce(try_cast(json_extract_string(batches.options, '$.history') as boolean), false)
        as is_history,
    from complaints
    left join batches using (batch_id)
    anti join supersessions
        on supersessions.record_key = complaints.complaint_id
        and supersessions.old_batch_id = complaints.batch_id
)

select * from final
