-- One row per period x dimension: mean 0-100 score and shares of own ratings.
with

levels as (select * from {{filtered_levels}} where subject = 'own'),

final as (
    select
        period_trunc($grain, period_start)::date as period_start,
        dimension_id,
        sum(ratings) as ratings,
        sum(ratings * norm_score) / sum(ratings) as mean_score,
        pct(sum(ratings) filter (where is_satisfied), sum(ratings)) as satisfied_pct,
        pct(sum(ratings) filter (where is_dissatisfied), sum(ratings)) as dissatisfied_pct,
    from levels
    group by all
)

select * from final order by period_start, dimension_id
