-- One row per active (not superseded) service visit.
with

services as (select * from services),
supersessions as (select * from supersessions where kind = 'services'),

final as (
    select services.* exclude (source_row),
    from services
    anti join supersessions
        on supersessions.record_key = services.service_id
        and supersessions.old_batch_id = services.batch_id
)

select * from final
