-- The customer_counts rows of the batches $batch_ids, from their (active) response scores.
-- The one definition of the rollup: a load, a rebuild after --replace or a rollback, and the
-- migration to schema 15 all insert what this selects.
select
    batch_id,
    questionnaire_id,
    date_trunc('month', survey_date)::date as month_start,
    scope,
    subject,
    channel,
    customer_id,
    count(*) as responses,
from response_scores
where batch_id in (select unnest($batch_ids::varchar[]))
group by all
