-- One row per questionnaire in force, with its CSI target and response dates.
with

latest as (
    select questionnaire_id, arg_max(title, version) as title, arg_max(scope, version) as scope,
    from questionnaires
    group by questionnaire_id
),

targets as (
    select substr(key, 8) as questionnaire_id, try_cast(value as double) as target,
    from setting_values
    where key like 'target:%'
),

-- A user limited to regions sees the dates and count of their customers' responses only.
dates as (
    select questionnaire_id, min(survey_date) as first_date, max(survey_date) as last_date,
        count(*) as responses,
    from response_scores
    where $regions::varchar[] is null
    group by questionnaire_id
    union all
    select questionnaire_id, min(survey_date), max(survey_date), count(*),
    from response_facts
    where $regions::varchar[] is not null and in_regions(region, $regions::varchar[])
    group by questionnaire_id
),

final as (
    select
        latest.*,
        coalesce(targets.target, 90) as target,
        dates.first_date,
        dates.last_date,
        coalesce(dates.responses, 0) as responses,
    from latest
    left join targets using (questionnaire_id)
    left join dates using (questionnaire_id)
)

select * from final order by responses desc, questionnaire_id
