-- Schema 13 (issue 15): each response score and dimension score set gets its sample key (the
-- macro sample_key, written here as it is defined at this version), and the tables are
-- rewritten in their new orders (warehouse.migrate.SORT_ORDERS sets the orders of later writes
-- after this transaction): response scores and answer sets by survey month, then customer, so
-- that one customer's responses are a few row groups; dimension score sets by sample key, so
-- that the key-driver sample is a few row groups. The response rollup gets each group's first
-- and last survey dates and is written again (warehouse.migrate._BACKFILL).
alter table response_scores add column sample_key ubigint;
alter table dimension_score_sets add column sample_key ubigint;

create temp table migrating_response_scores as
select * replace (hash(batch_id, response_id) as sample_key) from response_scores;
delete from response_scores;
insert into response_scores
select * from migrating_response_scores
order by date_trunc('month', survey_date), customer_id;
drop table migrating_response_scores;

create temp table migrating_dimension_score_sets as
select * replace (hash(batch_id, response_id) as sample_key) from dimension_score_sets;
delete from dimension_score_sets;
insert into dimension_score_sets select * from migrating_dimension_score_sets order by sample_key;
drop table migrating_dimension_score_sets;

create temp table migrating_answer_sets as select * from answer_sets;
delete from answer_sets;
insert into answer_sets
select * from migrating_answer_sets
order by date_trunc('month', survey_date), customer_id;
drop table migrating_answer_sets;

alter table response_counts add column first_date date;
alter table response_counts add column last_date date;
delete from response_counts;
