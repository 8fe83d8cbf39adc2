-- Schema 21 (issue 38): a `department` user belongs to a responsible department (CONTRACT §7),
-- whose complaint cases it sees and works.
alter table users add column if not exists dept varchar;
