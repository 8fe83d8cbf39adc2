-- The response_counts rows of the batches $batch_ids, from their (active) response scores.
-- The one definition of the rollup: a load, a rebuild after --replace or a rollback, and the
-- migrations to schemas 12 and 14 all insert what this selects.
select
    batch_id,
    questionnaire_id,
    date_trunc('month', survey_date)::date as month_start,
    scope,
    subject,
    channel,
    staff_id,
    count(*) as responses,
    min(survey_date) as first_date,
    max(survey_date) as last_date,
    count(csi) as csi_n,
    sum(csi) as csi_sum,
    sum(csi * csi) as csi_sq_sum,
    sum(satisfied) as satisfied,
    sum(dissatisfied) as dissatisfied,
    sum(ratings) as ratings,
    sum(satisfied * satisfied)::double as satisfied_sq,
    sum(satisfied * ratings)::double as satisfied_ratings,
    sum(ratings * ratings)::double as ratings_sq,
    count(max_points) as points_n,
    sum(points) as points,
    sum(max_points) as max_points,
from response_scores
where batch_id in (select unnest($batch_ids::varchar[]))
group by all
