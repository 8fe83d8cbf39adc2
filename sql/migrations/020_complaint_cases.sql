-- Schema 20 (issue 38): complaint cases (CONTRACT §10). A complaint's handling after the
-- first answer, and who wrote each version with which step of the complaint desk.
alter table complaints add column if not exists handler varchar;
alter table complaints add column if not exists assigned_at timestamp;
alter table complaints add column if not exists is_valid varchar;
alter table complaints add column if not exists solution varchar;
alter table complaints add column if not exists promised_at timestamp;
alter table complaints add column if not exists customer_informed_at timestamp;
alter table complaints add column if not exists customer_accepted varchar;
alter table complaints add column if not exists closed_at timestamp;
alter table complaints add column if not exists changed_by varchar;
alter table complaints add column if not exists change_note varchar;
