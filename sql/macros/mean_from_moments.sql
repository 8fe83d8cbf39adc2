-- Mean from n and the sum (NULL when n is 0).
create or replace macro mean_from_moments(n, total) as total / nullif(n, 0)
