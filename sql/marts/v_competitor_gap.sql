-- One row per grain x period x questionnaire x dimension x competitor: own vs competitor ratings.
with

levels as (select * from dimension_level_counts),

by_subject as (
    select
        period_grain,
        period_start,
        questionnaire_id,
        dimension_id,
        subject,
        sum(ratings) as n,
        sum(ratings * norm_score) / sum(ratings) as mean,
        sum(ratings * norm_score) as total,
        sum(ratings * norm_score * norm_score) as total_sq,
    from levels
    group by all
),

stats as (
    select
        * exclude (total, total_sq),
        case
            when n > 1 then sqrt(greatest((total_sq - total * total / n) / (n - 1), 0))
        end as sd,
    from by_subject
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
    from own
    inner join competitors
        on competitors.period_grain = own.period_grain
        and competitors.period_start = own.period_start
        and competitors.questionnaire_id = own.questionnaire_id
        and competitors.dimension_id = own.dimension_id
)

select * from final
