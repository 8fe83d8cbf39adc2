-- One row per active survey response with its comment (superseded ones left out).
with

responses as (select * from responses),
supersessions as (select * from supersessions where kind = 'survey'),

final as (
    select responses.* exclude (source_row),
    from responses
    anti join supersessions
        on supersessions.record_key = responses.questionnaire_id || '|' || responses.response_id
        and supersessions.old_batch_id = responses.batch_id
)

select * from final
