-- Schema 17 (issue 15): each dissatisfied rating keeps its response's comment, so that the
-- Pareto drill-down lists an item's newest dissatisfied ratings with their comments from
-- dissatisfied_ratings alone. warehouse.migrate lists the table anew (it was filled without
-- comments at schema 16), one batch at a time, in its order.
alter table dissatisfied_ratings add column if not exists comment varchar;
