-- Schema 6: what tests on responses and the working-day calendar need.
--
-- dimension_response_counts gains the sum and sum of squares of the responses' dimension
-- scores, so v_competitor_gap can run Welch's test on responses rather than ratings; settings
-- gain set_at, so the newest value of a key wins; holiday_calendar holds public holidays and
-- make-up working days.
alter table dimension_response_counts add column score_sum double;
alter table dimension_response_counts add column score_sq_sum double;

delete from dimension_response_counts;

insert into dimension_response_counts
select
    sets.batch_id,
    sets.questionnaire_id,
    date_trunc('month', scores.survey_date)::date as month_start,
    scores.scope,
    scores.subject,
    score_dimensions.dimension_id,
    count(*) as responses,
    sum(sets.scores[score_dimensions.position]) as score_sum,
    sum(sets.scores[score_dimensions.position] ** 2) as score_sq_sum,
from dimension_score_sets as sets
inner join score_dimensions on score_dimensions.batch_id = sets.batch_id
inner join response_scores as scores
    on scores.batch_id = sets.batch_id
    and scores.response_id = sets.response_id
where sets.ratings[score_dimensions.position] > 0
group by all;

alter table settings add column set_at timestamp with time zone;

create table if not exists holiday_calendar (
    day date not null,
    is_workday boolean not null,
    name varchar
);
