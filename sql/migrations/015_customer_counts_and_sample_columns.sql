-- Schema 15 (issue 15): the customer_counts rollup (sql/raw/customer_counts.sql), filled by
-- warehouse.migrate from response_scores; and each dimension score set gets its response's
-- date, scope, subject, channel, staff member, CSI and overall-item score, so that the
-- key-driver sample is filtered and taken from the rows sorted by sample key. The table is
-- rewritten in place, in its order: the filled copy is inserted, then the rows that were there
-- before it (row ids up to the last old one) are deleted.
create table if not exists customer_counts (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    month_start date not null,
    scope varchar not null,
    subject varchar not null,
    channel varchar,
    customer_id varchar not null,
    responses bigint not null
);

alter table dimension_score_sets add column survey_date date;
alter table dimension_score_sets add column scope varchar;
alter table dimension_score_sets add column subject varchar;
alter table dimension_score_sets add column channel varchar;
alter table dimension_score_sets add column staff_id varchar;
alter table dimension_score_sets add column csi double;
alter table dimension_score_sets add column overall_score double;

set variable last_old_row = (select max(rowid) from dimension_score_sets);
insert into dimension_score_sets
    (batch_id, questionnaire_id, response_id, scores, ratings, sample_key, survey_date, scope, subject,
    channel, staff_id, csi, overall_score)
select
    sets.batch_id, sets.questionnaire_id, sets.response_id, sets.scores, sets.ratings, sets.sample_key,
    scores.survey_date, scores.scope, scores.subject, scores.channel, scores.staff_id, scores.csi,
    scores.overall_score,
from dimension_score_sets as sets
left join response_scores as scores
    on scores.batch_id = sets.batch_id
    and scores.questionnaire_id = sets.questionnaire_id
    and scores.response_id = sets.response_id
order by sets.sample_key;
delete from dimension_score_sets where rowid <= getvariable('last_old_row');
reset variable last_old_row;
