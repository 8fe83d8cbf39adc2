-- The day the Pareto drill-down reads from (data.drill_responses): the first of the newest
-- month from which the chosen item's dissatisfied own ratings in the chosen dates and scopes
-- number at least $limit, by the rating_counts rollup; $date_from when they are fewer. Without
-- an item ($item_id null), every item's: the day Causes' comment list reads from
-- (data.dissatisfied_comments). The
-- answer sets and response scores are sorted by survey month, so the drill-down then reads the
-- row groups of those months only, whatever the warehouse's size (issue 15). The rollup knows
-- no regions: for a user limited to regions ($regions) it is $date_from.
with

months as (
    select period_start, sum(ratings) as hits,
    from dimension_level_counts
    where period_grain = 'month'
        and $regions::varchar[] is null
        and questionnaire_id = $qid
        and ($item_id::varchar is null or item_id = $item_id)
        and subject = 'own'
        and is_dissatisfied
        and period_start between date_trunc('month', $date_from::date) and $date_to
        and chosen(scope, $scope::varchar[])
    group by period_start
),

newest as (
    select period_start, sum(hits) over (order by period_start desc) as hits_since,
    from months
)

select greatest(
    coalesce(max(period_start) filter (where hits_since >= $limit), $date_from::date),
    $date_from::date
)::date as since,
from newest
