-- Schema 9: loads commit one at a time (see sql/raw/write_locks.sql).
create table if not exists write_locks (name varchar not null);
insert into write_locks select 'load' where not exists (select 1 from write_locks where name = 'load');
