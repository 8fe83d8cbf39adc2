-- One row per period (or the whole range, with $whole_range) x dimension x competitor:
-- own vs competitor mean of item ratings (the gap, CONTRACT §4) and Welch's test on the
-- responses' dimension scores (v_competitor_gap's rules over the dashboard filters).
with

levels as (select * from {{filtered_levels}}),
moments as (select * from {{filtered_dimension_moments}}),

by_rating as (
    select
        case when $whole_range then $date_from::date
            else period_trunc($grain, period_start)::date end as period_start,
        subject,
        dimension_id,
        sum(ratings)::bigint as n,
        sum(ratings * norm_score) / sum(ratings) as mean,
    from levels
    group by all
),

by_response as (
    select
        case when $whole_range then $date_from::date
            else period_trunc($grain, period_start)::date end as period_start,
        subject,
        dimension_id,
        sum(responses)::bigint as responses,
        sum(score_sum) / sum(responses) as response_mean,
        sd_from_moments(sum(responses), sum(score_sum), sum(score_sq_sum)) as response_sd,
    from moments
    group by all
),

stats as (
    select by_rating.*, by_response.responses, by_response.response_mean, by_response.response_sd,
    from by_rating
    left join by_response
        on by_response.period_start = by_rating.period_start
        and by_response.subject = by_rating.subject
        and by_response.dimension_id = by_rating.dimension_id
),

own as (select * from stats where subject = 'own'),
competitors as (select * from stats where subject <> 'own'),

final as (
    select
        own.period_start,
        own.dimension_id,
        competitors.subject as competitor,
        own.mean as own_mean,
        own.n as own_n,
        competitors.mean as competitor_mean,
        competitors.n as competitor_n,
        own.mean - competitors.mean as gap,
        own.responses as own_responses,
        competitors.responses as competitor_responses,
        welch_p(
            own.response_mean, own.response_sd, own.responses,
            competitors.response_mean, competitors.response_sd, competitors.responses
        ) as p_value,
    from own
    inner join competitors
        on competitors.period_start = own.period_start
        and competitors.dimension_id = own.dimension_id
)

select * from final order by period_start, dimension_id, competitor
