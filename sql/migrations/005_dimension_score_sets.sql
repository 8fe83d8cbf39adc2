-- Schema 5: dimension scores stored one row per response instead of one row per dimension.
--
-- A response's dimension scores (0-100) and answered-item counts are two lists, in the order
-- of its batch's dimensions (score_dimensions); a dimension it did not answer has score NULL
-- and count 0. Writing 1,000,000 responses x 5 dimensions as 5,000,000 long rows took 0.9 s
-- of a load (bench/). The long form stays readable as the view `response_dimension_scores`
-- (sql/staging/response_dimension_scores.sql), with the columns of the table it replaces.
create table if not exists score_dimensions (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    position integer not null,   -- 1-based index into the lists of dimension_score_sets
    dimension_id varchar not null
);

create table if not exists dimension_score_sets (
    batch_id varchar not null,
    questionnaire_id varchar not null,
    response_id varchar not null,
    scores double[] not null,
    ratings integer[] not null
);

insert into score_dimensions
select
    batch_id,
    any_value(questionnaire_id),
    (row_number() over (partition by batch_id order by dimension_id))::integer,
    dimension_id
from response_dimension_scores
group by batch_id, dimension_id;

insert into dimension_score_sets
select
    keys.batch_id,
    keys.questionnaire_id,
    keys.response_id,
    list(scores.score order by score_dimensions.position) as scores,
    list(coalesce(scores.ratings, 0)::integer order by score_dimensions.position) as ratings
from (select distinct batch_id, questionnaire_id, response_id from response_dimension_scores) as keys
inner join score_dimensions on score_dimensions.batch_id = keys.batch_id
left join response_dimension_scores as scores
    on scores.batch_id = keys.batch_id
    and scores.response_id = keys.response_id
    and scores.dimension_id = score_dimensions.dimension_id
group by keys.batch_id, keys.questionnaire_id, keys.response_id;

drop table response_dimension_scores;
