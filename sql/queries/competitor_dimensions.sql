-- One row per subject x dimension over the filtered dates: rating mean, sd and count.
with

levels as (select * from {{filtered_levels}}),

moments as (
    select
        subject,
        dimension_id,
        sum(ratings) as n,
        sum(ratings * norm_score) as total,
        sum(ratings * norm_score * norm_score) as total_sq,
    from levels
    group by all
)

select
    subject,
    dimension_id,
    n,
    total / n as mean,
    case when n > 1 then sqrt(greatest((total_sq - total * total / n) / (n - 1), 0)) end as sd,
from moments
order by dimension_id, subject
