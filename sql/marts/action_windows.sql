-- One row per corrective action: its verification windows (CONTRACT §5). W = the
-- questionnaire's cadence in months (month 1, quarter 3, half_year 6, year 12; complaint
-- sources 1). Baseline: the W whole calendar months before the month of created_at; follow-up:
-- the W whole months after the month of done_at (none before the action is done).
with

actions as (select * from v_actions),

cadences as (
    select substr(key, length('cadence:') + 1) as questionnaire_id, value as cadence,
    from setting_values
    where key like 'cadence:%'
),

sized as (
    select
        actions.*,
        case
            when actions.source = 'complaint' then 1
            else case coalesce(cadences.cadence, 'month')
                when 'quarter' then 3 when 'half_year' then 6 when 'year' then 12 else 1
            end
        end as window_months,
    from actions
    left join cadences on cadences.questionnaire_id = actions.questionnaire_id
),

final as (
    select
        *,
        (date_trunc('month', created_at) - to_months(window_months))::date as baseline_start,
        (date_trunc('month', created_at) - interval 1 day)::date as baseline_end,
        (date_trunc('month', done_at) + interval 1 month)::date as followup_start,
        (date_trunc('month', done_at) + to_months(window_months + 1) - interval 1 day)::date
        as followup_end,
    from sized
)

select * from final
