-- One row per period of the chosen grain: follow-up KPIs over the chosen scope (or all).
with

kpis as (
    select * from v_contact_kpis
    where period_grain = $grain
        and period_start between date_trunc($grain, $date_from::date) and $date_to
        and ($scope::varchar is null or scope = $scope)
),

final as (
    select
        period_start,
        sum(planned) as planned,
        sum(reached) as reached,
        sum(completed) as completed,
        100.0 * sum(reached) / sum(planned) as callback_success_pct,
        100.0 * sum(completed) / nullif(sum(reached), 0) as survey_success_pct,
    from kpis
    group by all
)

select * from final order by period_start
