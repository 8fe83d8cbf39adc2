-- One row per questionnaire in force, with its CSI target, response count, the dates its
-- pages hold data for (responses, complaints and contacts) and the default range's start:
-- the first of its last 13 months with responses (a file of old complaints or a survey of
-- long ago does not stretch every page's default range back years).
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

-- A user limited to regions sees the dates and count of their customers' responses only;
-- the others', from the response rollup (every page asks: a scan of every response took
-- 0.2 CPU s at 10 M, issue 15).
dates as (
    select questionnaire_id, min(first_date) as first_date, max(last_date) as last_date,
        sum(responses)::bigint as responses,
    from response_counts
    where $regions::varchar[] is null
    group by questionnaire_id
    union all
    select questionnaire_id, min(survey_date), max(survey_date), count(*),
    from response_facts
    where $regions::varchar[] is not null and in_regions(region, $regions::varchar[])
    group by questionnaire_id
),

-- The months with responses, newest first; the 13th is where the default range starts.
months as (
    select questionnaire_id, month_start,
        row_number() over (partition by questionnaire_id order by month_start desc) as back,
    from (
        select distinct questionnaire_id, month_start
        from response_counts
        where $regions::varchar[] is null
        union
        select distinct questionnaire_id, date_trunc('month', survey_date)::date
        from response_facts
        where $regions::varchar[] is not null and in_regions(region, $regions::varchar[])
    )
),

recent as (
    select questionnaire_id, min(month_start) as recent_from,
    from months
    where back <= 13
    group by questionnaire_id
),

-- The dates of the complaints and contacts (every questionnaire's pages show them): the
-- default date range covers them too, so a file of older complaints is not hidden.
other_dates as (
    select min(received_at)::date as first_date, max(received_at)::date as last_date,
    from complaint_service
    where in_regions(region, $regions::varchar[])
    union all
    select min(contact_date), max(contact_date),
    from contact_facts
    where in_regions(region, $regions::varchar[])
),

around as (
    select min(first_date) as first_date, max(last_date) as last_date from other_dates
),

final as (
    select
        latest.*,
        coalesce(targets.target, 90) as target,
        least(dates.first_date, around.first_date) as first_date,
        greatest(dates.last_date, around.last_date) as last_date,
        coalesce(dates.responses, 0) as responses,
        greatest(recent.recent_from, dates.first_date) as recent_from,
        dates.last_date as responses_last,
    from latest
    left join targets using (questionnaire_id)
    left join dates using (questionnaire_id)
    left join recent using (questionnaire_id)
    cross join around
)

select * from final order by responses desc, questionnaire_id
