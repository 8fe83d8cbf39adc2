-- One row per kind of write that must commit one at a time: each load deletes and re-inserts
-- the row 'load' in its transaction (a call plan 'calls', an alerts run 'alerts', a report send 'sends'), so two loads committing at
-- once conflict (DuckLake detects the second delete) and the later one retries, seeing the other's batch.
create table if not exists write_locks (name varchar not null);
insert into write_locks select 'load' where not exists (select 1 from write_locks where name = 'load');
insert into write_locks select 'calls' where not exists (select 1 from write_locks where name = 'calls');
insert into write_locks select 'alerts' where not exists (select 1 from write_locks where name = 'alerts');
insert into write_locks select 'sends' where not exists (select 1 from write_locks where name = 'sends');
