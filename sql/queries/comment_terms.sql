-- One row per term of the filtered comments used by at least $min_count dissatisfied
-- comments (default 3): counts in dissatisfied and satisfied comments and the score (macro log_odds_z),
-- the most over-represented first; the 30 best. The unit is the comment (one response).
with

comments as (select is_dissatisfied, terms from {{filtered_comments}}),

totals as (
    select
        count(*) filter (where is_dissatisfied) as dissatisfied_comments,
        count(*) filter (where not is_dissatisfied) as satisfied_comments,
    from comments
),

per_term as (
    select
        term,
        count(*) filter (where is_dissatisfied) as dissatisfied_count,
        count(*) filter (where not is_dissatisfied) as satisfied_count,
    from (select is_dissatisfied, unnest(terms) as term from comments)
    group by term
),

scored as (
    select
        per_term.*,
        totals.dissatisfied_comments,
        totals.satisfied_comments,
        log_odds(dissatisfied_count, dissatisfied_comments, satisfied_count, satisfied_comments)
        as log_odds,
        log_odds_z(dissatisfied_count, dissatisfied_comments, satisfied_count, satisfied_comments)
        as z_score,
    from per_term
    cross join totals
    where per_term.dissatisfied_count >= coalesce($min_count, 3)
)

-- A word always used inside one longer phrase with the same counts (到货 in 到货时间) is
-- left out: the phrase says more.
select * from scored
where z_score > 0
    and not exists (
        select 1 from scored as longer
        where length(longer.term) > length(scored.term)
            and contains(longer.term, scored.term)
            and longer.dissatisfied_count = scored.dissatisfied_count
            and longer.satisfied_count = scored.satisfied_count
    )
order by z_score desc, dissatisfied_count desc, term
limit 30
