-- One row per questionnaire: its CSI target in force (the setting target:<id>, else 90).
with

latest as (select distinct questionnaire_id from questionnaires),

targets as (
    select substr(key, 8) as questionnaire_id, try_cast(value as double) as target,
    from setting_values
    where key like 'target:%'
),

final as (
    select latest.questionnaire_id, coalesce(targets.target, 90) as target,
    from latest
    left join targets using (questionnaire_id)
)

select * from final
