-- Sample standard deviation from n, the sum and the sum of squares (NULL under 2 values).
create or replace macro sd_from_moments(n, total, total_sq) as
    case when n > 1 then sqrt(greatest((total_sq - total * total / n) / (n - 1), 0)) end
