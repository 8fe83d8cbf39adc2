-- Lower end of the normal 95 % interval of a mean: mean - 1.96 sd / sqrt(n).
create or replace macro ci95_low(mean, sd, n) as mean - 1.96 * sd / sqrt(n)
