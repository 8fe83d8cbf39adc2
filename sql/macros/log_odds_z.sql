-- How much more often a term is used in dissatisfied comments than in satisfied ones: the log
-- odds ratio with 0.5 added to every cell (Haldane), divided by its standard error, where
-- a of n_a dissatisfied and b of n_b satisfied comments use it. Positive = over-represented.
create or replace macro log_odds_z(a, n_a, b, n_b) as
    case when n_a > 0 and n_b > 0 then
        (ln((a + 0.5) / (n_a - a + 0.5)) - ln((b + 0.5) / (n_b - b + 0.5)))
        / sqrt(1 / (a + 0.5) + 1 / (n_a - a + 0.5) + 1 / (b + 0.5) + 1 / (n_b - b + 0.5))
    end
