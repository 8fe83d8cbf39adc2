-- One row per grain x period x scope: follow-up callback and survey success.
with

contacts as (select * from contact_facts),
grains as (select * from stg_grains),

counts as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, contacts.contact_date)::date as period_start,
        contacts.scope,
        count(*) as planned,
        count(*) filter (where contacts.outcome in ('completed', 'refused')) as reached,
        count(*) filter (where contacts.outcome = 'completed') as completed,
    from contacts
    cross join grains
    group by all
),

final as (
    select
        *,
        pct(reached, planned) as callback_success_pct,
        pct(completed, reached) as survey_success_pct,
    from counts
)

select * from final
