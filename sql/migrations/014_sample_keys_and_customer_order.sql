-- Schema 14 (issue 15): the sample keys are filled (the macro sample_key, written here as it
-- is defined at this version), and the tables are rewritten in their new orders
-- (warehouse.migrate.SORT_ORDERS, set just before this step when the tables had orders, else
-- after the transaction; the ORDER BY below gives the same rows either way): response scores
-- and answer sets by survey month, then customer, so that one customer's responses are a few
-- row groups; dimension score sets by sample key, so that the key-driver sample is a few row
-- groups. The response rollup gets each group's first and last survey dates and is written
-- again (warehouse.migrate._BACKFILL).
-- Each table is rewritten in place: its sorted copy is inserted, then the rows that were there
-- before it (row ids up to the last old one) are deleted. No copy is held in memory.
set variable last_old_row = (select max(rowid) from response_scores);
insert into response_scores
select * replace (hash(batch_id, response_id) as sample_key) from response_scores
order by date_trunc('month', survey_date), customer_id;
delete from response_scores where rowid <= getvariable('last_old_row');

set variable last_old_row = (select max(rowid) from dimension_score_sets);
insert into dimension_score_sets
select * replace (hash(batch_id, response_id) as sample_key) from dimension_score_sets
order by sample_key;
delete from dimension_score_sets where rowid <= getvariable('last_old_row');

set variable last_old_row = (select max(rowid) from answer_sets);
insert into answer_sets
select * from answer_sets
order by date_trunc('month', survey_date), customer_id;
delete from answer_sets where rowid <= getvariable('last_old_row');
reset variable last_old_row;

alter table response_counts add column first_date date;
alter table response_counts add column last_date date;
delete from response_counts;
