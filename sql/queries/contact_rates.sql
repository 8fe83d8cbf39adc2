-- One row per period of the chosen grain: follow-up KPIs of the filtered contacts.
with

contacts as (
    select * from contact_facts
    where contact_date between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
),

counts as (
    select
        period_trunc($grain, contact_date)::date as period_start,
        count(*) as planned,
        count(*) filter (where reached) as reached,
        count(*) filter (where outcome = 'completed') as completed,
    from contacts
    group by all
),

final as (
    select
        *,
        pct(reached, planned) as callback_success_pct,
        pct(completed, reached) as survey_success_pct,
    from counts
)

select * from final order by period_start
