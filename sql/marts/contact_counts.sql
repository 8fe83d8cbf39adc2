-- One row per grain x period x scope x agent: planned follow-up contacts, reached ones (the
-- customer answered: completed or refused) and completed surveys. The one definition of the
-- follow-up KPIs' counts, summed by scope and by agent in the public views.
with

contacts as (select * from contact_facts),
grains as (select * from stg_grains),

final as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, contacts.contact_date)::date as period_start,
        contacts.scope,
        contacts.agent,
        count(*) as planned,
        count(*) filter (where contacts.reached) as reached,
        count(*) filter (where contacts.outcome = 'completed') as completed,
    from contacts
    cross join grains
    group by all
)

select * from final
