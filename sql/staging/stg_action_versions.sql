-- One row per version of a corrective action (a tracker load or a dashboard edit), numbered
-- from 1 in the order they were recorded, with the status that version gave the action.
with

actions as (select * from actions),
batches as (select batch_id, loaded_at from batches where status = 'loaded'),

final as (
    select
        actions.* exclude (source_row),
        row_number() over (
            partition by actions.action_id
            order by batches.loaded_at, actions.batch_id, actions.source_row
        ) as version,
        batches.loaded_at as changed_at,
        case
            when actions.cancelled_at is not null then 'cancelled'
            when actions.done_at is not null then 'done'
            when actions.approved_at is not null then 'approved'
            else 'planned'
        end as status,
    from actions
    inner join batches on batches.batch_id = actions.batch_id
)

select * from final
