-- Lower end of the Wilson 95 % interval of a share x of n, as 0-100 (NULL when n is 0).
create or replace macro wilson_low(x, n) as
    100.0 * (
        (x / n + 1.96 ** 2 / (2 * n))
        - 1.96 * sqrt(x / n * (1 - x / n) / n + 1.96 ** 2 / (4 * n ** 2))
    ) / (1 + 1.96 ** 2 / n) * case when n > 0 then 1 end
