-- Schema 24 (issue 39): whether an item must be answered on the call desk and the form page
-- (CONTRACT §9); v_data_quality counts the file rows without it.
alter table q_items add column if not exists required boolean;
