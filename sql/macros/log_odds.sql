-- The log odds ratio of a term in dissatisfied (a of n_a) vs satisfied (b of n_b) comments,
-- 0.5 added to every cell (Haldane); its z score is log_odds_z.
create or replace macro log_odds(a, n_a, b, n_b) as
    case when n_a > 0 and n_b > 0 then
        ln((a + 0.5) / (n_a - a + 0.5)) - ln((b + 0.5) / (n_b - b + 0.5))
    end
