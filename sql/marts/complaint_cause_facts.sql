-- One row per active complaint x cause it names, with the complaint's service facts.
with

complaints as (select * from complaint_service),
causes as (select * from stg_complaint_causes),

final as (
    select complaints.* exclude (cause), causes.cause,
    from complaints
    inner join causes on causes.complaint_id = complaints.complaint_id
)

select * from final
