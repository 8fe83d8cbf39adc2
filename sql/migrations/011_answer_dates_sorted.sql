-- Schema 11: each answer set carries its response's survey date and customer. With the date, the answer sets,
-- response scores and responses are sorted by date (warehouse.migrate.SORT_ORDERS, after
-- this transaction: DuckLake alters no sort order of a table holding rows written in it), so
-- that the newest responses, which the Pareto drill-down reads, are a few row groups instead
-- of the whole table (issue 15).
alter table answer_sets add column survey_date date;
alter table answer_sets add column customer_id varchar;
update answer_sets set survey_date = responses.survey_date, customer_id = responses.customer_id
from responses
where responses.batch_id = answer_sets.batch_id
    and responses.response_id = answer_sets.response_id;
