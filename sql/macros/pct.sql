-- A 0-100 share: part of whole; 0 when part is NULL, NULL when whole is 0 or NULL.
create or replace macro pct(part, whole) as 100.0 * coalesce(part, 0) / nullif(whole, 0)
