-- Whether a row whose filter column holds `value` is among the values the user picked in a
-- multi-select filter (`picked`, a list; NULL: nothing picked, every row).
create or replace macro chosen(value, picked) as
    picked is null or coalesce(list_contains(picked, value), false)
