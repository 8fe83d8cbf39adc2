-- One row per grain x period x questionnaire x dimension x competitor: own vs competitor.
-- Means, sds and n are of item ratings (CONTRACT §4); the significance test is on responses:
-- Welch's t-test of the responses' dimension scores D_d (a response's ratings are not
-- independent), with own_responses and competitor_responses as its sample sizes.
with

levels as (select * from dimension_level_counts),
response_counts as (select * from dimension_response_counts),
grains as (select * from stg_grains),

by_subject as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        dimension_id,
        subject,
        sum(ratings) as n,
        sum(ratings * norm_score) / sum(ratings) as mean,
        sd_from_moments(sum(ratings), sum(ratings * norm_score), sum(ratings * norm_score ** 2))
        as sd,
    from levels
    group by all
),

by_response as (
    select
        grains.period_grain,
        date_trunc(grains.period_grain, counts.month_start)::date as period_start,
        counts.questionnaire_id,
        counts.dimension_id,
        counts.subject,
        sum(counts.responses) as responses,
        sum(counts.score_sum) / sum(counts.responses) as response_mean,
        sd_from_moments(sum(counts.responses), sum(counts.score_sum), sum(counts.score_sq_sum))
        as response_sd,
    from response_counts as counts
    cross join grains
    group by all
),

stats as (
    select by_subject.*, by_response.* exclude (
        period_grain, period_start, questionnaire_id, dimension_id, subject
    ),
    from by_subject
    left join by_response
        on by_response.period_grain = by_subject.period_grain
        and by_response.period_start = by_subject.period_start
        and by_response.questionnaire_id = by_subject.questionnaire_id
        and by_response.dimension_id = by_subject.dimension_id
        and by_response.subject = by_subject.subject
),

own as (select * from stats where subject = 'own'),
competitors as (select * from stats where subject <> 'own'),

final as (
    select
        own.period_grain,
        own.period_start,
        own.questionnaire_id,
        own.dimension_id,
        competitors.subject as competitor,
        own.mean as own_mean,
        own.sd as own_sd,
        own.n as own_n,
        competitors.mean as competitor_mean,
        competitors.sd as competitor_sd,
        competitors.n as competitor_n,
        own.mean - competitors.mean as gap,
        own.responses as own_responses,
        competitors.responses as competitor_responses,
        own.response_mean as own_response_mean,
        competitors.response_mean as competitor_response_mean,
        welch_p(
            own.response_mean, own.response_sd, own.responses,
            competitors.response_mean, competitors.response_sd, competitors.responses
        ) as p_value,
    from own
    inner join competitors
        on competitors.period_grain = own.period_grain
        and competitors.period_start = own.period_start
        and competitors.questionnaire_id = own.questionnaire_id
        and competitors.dimension_id = own.dimension_id
)

select * from final
