-- One row per agent (NULL: not handed out) of one month's plan of questionnaire $qid: the
-- calls, how many are open, completed, refused and unreached, and the success shares so far.
with

calls as (
    select calls.*,
    from call_plan as calls
    left join stg_customers as customers using (customer_id)
    where calls.questionnaire_id = $qid and calls.plan_month = $month
        and in_regions(customers.region, $regions::varchar[])
),

counts as (
    select
        assigned_to as agent,
        count(*) as calls,
        count(*) filter (where status = 'open') as open,
        count(*) filter (where status = 'completed') as completed,
        count(*) filter (where status = 'refused') as refused,
        count(*) filter (where status = 'unreached') as unreached,
        count(*) filter (where attempts > 0) as tried,
    from calls
    group by all
)

select
    *,
    pct(completed + refused, tried) as callback_success_pct,
    pct(completed, completed + refused) as survey_success_pct,
from counts
order by agent nulls last
