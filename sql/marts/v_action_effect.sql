-- One row per corrective action: its effect on the source, baseline window vs follow-up
-- window (CONTRACT §5). Survey sources: responses n, mean score, dissatisfied share of
-- responses, Welch's test on the scores and the pooled two-proportion z test on the shares.
-- Complaint sources: complaints of the cause (category) per shipment, Poisson E-test.
-- verdict: pending, too_few (a window under min_sample responses, or without shipments),
-- improved / worse (a test at p < 0.05 in that direction and none the other way), no_change.
with

windows as (select * from action_windows),
units as (select * from action_survey_units),
complaints as (
    select stg_complaints.complaint_id, stg_complaints.customer_id, stg_complaints.received_at,
        stg_complaints.cause_category, causes.cause,
    from stg_complaints
    inner join stg_complaint_causes as causes on causes.complaint_id = stg_complaints.complaint_id
),
sales as (select * from stg_sales),
settings as (select min_sample from stg_settings),

survey as (
    select
        action_id,
        count(*) filter (where phase = 'baseline') as baseline_n,
        count(*) filter (where phase = 'followup') as followup_n,
        avg(score) filter (where phase = 'baseline') as baseline_mean,
        avg(score) filter (where phase = 'followup') as followup_mean,
        stddev_samp(score) filter (where phase = 'baseline') as baseline_sd,
        stddev_samp(score) filter (where phase = 'followup') as followup_sd,
        count(*) filter (where phase = 'baseline' and is_dissatisfied) as baseline_dissatisfied,
        count(*) filter (where phase = 'followup' and is_dissatisfied) as followup_dissatisfied,
    from units
    group by action_id
),

complaint_counts as (
    select
        windows.action_id,
        count(distinct complaints.complaint_id) filter (
            where complaints.received_at::date between windows.baseline_start and windows.baseline_end
        ) as baseline_complaints,
        count(distinct complaints.complaint_id) filter (
            where complaints.received_at::date between windows.followup_start and windows.followup_end
        ) as followup_complaints,
    from windows
    left join complaints
        on complaints.cause_category = windows.cause_category
        and (windows.cause is null or complaints.cause = windows.cause)
        and (windows.customer_id is null or complaints.customer_id = windows.customer_id)
    where windows.source = 'complaint'
    group by windows.action_id
),

shipment_counts as (
    select
        windows.action_id,
        coalesce(sum(sales.shipments) filter (
            where sales.period between windows.baseline_start and windows.baseline_end
        ), 0) as baseline_shipments,
        coalesce(sum(sales.shipments) filter (
            where sales.period between windows.followup_start and windows.followup_end
        ), 0) as followup_shipments,
    from windows
    left join sales on windows.customer_id is null or sales.customer_id = windows.customer_id
    where windows.source = 'complaint'
    group by windows.action_id
),

measured as (
    select
        windows.action_id,
        windows.source,
        windows.status,
        windows.window_months,
        windows.baseline_start,
        windows.baseline_end,
        windows.followup_start,
        windows.followup_end,
        case when windows.source <> 'complaint' then coalesce(survey.baseline_n, 0) end as baseline_n,
        case when windows.source <> 'complaint' and windows.followup_start is not null
            then coalesce(survey.followup_n, 0) end as followup_n,
        survey.baseline_mean,
        survey.followup_mean,
        survey.baseline_sd,
        survey.followup_sd,
        survey.baseline_dissatisfied,
        survey.followup_dissatisfied,
        complaint_counts.baseline_complaints,
        case when windows.followup_start is not null then complaint_counts.followup_complaints end
        as followup_complaints,
        shipment_counts.baseline_shipments,
        case when windows.followup_start is not null then shipment_counts.followup_shipments end
        as followup_shipments,
    from windows
    left join survey on survey.action_id = windows.action_id
    left join complaint_counts on complaint_counts.action_id = windows.action_id
    left join shipment_counts on shipment_counts.action_id = windows.action_id
),

tested as (
    select
        measured.*,
        pct(baseline_dissatisfied, baseline_n) as baseline_dissatisfied_pct,
        pct(followup_dissatisfied, followup_n) as followup_dissatisfied_pct,
        pct(baseline_complaints, baseline_shipments) as baseline_rate_pct,
        pct(followup_complaints, followup_shipments) as followup_rate_pct,
        -- Welch's t is undefined when neither window varies (0 / 0).
        case when coalesce(baseline_sd, 0) > 0 or coalesce(followup_sd, 0) > 0 then
            welch_p(followup_mean, followup_sd, followup_n, baseline_mean, baseline_sd, baseline_n)
        end as p_mean,
        two_prop_p(followup_dissatisfied, followup_n, baseline_dissatisfied, baseline_n)
        as p_dissatisfied,
        poisson_p(followup_complaints, followup_shipments, baseline_complaints, baseline_shipments)
        as p_rate,
    from measured
),

directed as (
    select
        tested.*,
        coalesce(p_dissatisfied < 0.05 and followup_dissatisfied_pct < baseline_dissatisfied_pct, false)
        or coalesce(p_mean < 0.05 and followup_mean > baseline_mean, false)
        or coalesce(p_rate < 0.05 and followup_rate_pct < baseline_rate_pct, false) as is_better,
        coalesce(p_dissatisfied < 0.05 and followup_dissatisfied_pct > baseline_dissatisfied_pct, false)
        or coalesce(p_mean < 0.05 and followup_mean < baseline_mean, false)
        or coalesce(p_rate < 0.05 and followup_rate_pct > baseline_rate_pct, false) as is_worse,
    from tested
),

final as (
    select
        action_id,
        source,
        baseline_start,
        baseline_end,
        followup_start,
        followup_end,
        baseline_n,
        followup_n,
        baseline_mean,
        followup_mean,
        baseline_dissatisfied_pct,
        followup_dissatisfied_pct,
        p_mean,
        p_dissatisfied,
        baseline_complaints,
        followup_complaints,
        baseline_shipments,
        followup_shipments,
        baseline_rate_pct,
        followup_rate_pct,
        p_rate,
        case
            when status <> 'done' then 'pending'
            when source <> 'complaint' and followup_n = 0 then 'pending'
            when source = 'complaint' and followup_shipments = 0 then 'pending'
            when source <> 'complaint' and least(baseline_n, followup_n) < settings.min_sample
                then 'too_few'
            when source = 'complaint' and baseline_shipments = 0 then 'too_few'
            when is_better and not is_worse then 'improved'
            when is_worse and not is_better then 'worse'
            else 'no_change'
        end as verdict,
        window_months,
        settings.min_sample,
        baseline_sd,
        followup_sd,
        ci95_low(baseline_mean, baseline_sd, baseline_n) as baseline_mean_ci_low,
        ci95_high(baseline_mean, baseline_sd, baseline_n) as baseline_mean_ci_high,
        ci95_low(followup_mean, followup_sd, followup_n) as followup_mean_ci_low,
        ci95_high(followup_mean, followup_sd, followup_n) as followup_mean_ci_high,
        wilson_low(baseline_dissatisfied, baseline_n) as baseline_dissatisfied_ci_low,
        wilson_high(baseline_dissatisfied, baseline_n) as baseline_dissatisfied_ci_high,
        wilson_low(followup_dissatisfied, followup_n) as followup_dissatisfied_ci_low,
        wilson_high(followup_dissatisfied, followup_n) as followup_dissatisfied_ci_high,
        100 * rate_ci_low(baseline_complaints, baseline_shipments) as baseline_rate_ci_low,
        100 * rate_ci_high(baseline_complaints, baseline_shipments) as baseline_rate_ci_high,
        100 * rate_ci_low(followup_complaints, followup_shipments) as followup_rate_ci_low,
        100 * rate_ci_high(followup_complaints, followup_shipments) as followup_rate_ci_high,
    from directed, settings
)

select * from final
