-- One row per source response: weighted CSI over answered dimensions, points.
with

responses as (select * from src_responses),
rated as (select * from rated_answers),
dimension_scores as (select * from src_dimension_scores),
dimensions as (select * from q_dimensions),

csi as (
    select
        dimension_scores.batch_id,
        dimension_scores.questionnaire_id,
        dimension_scores.response_id,
        sum(dimensions.weight * dimension_scores.score) / sum(dimensions.weight) as csi,
    from dimension_scores
    inner join dimensions
        on dimensions.questionnaire_id = dimension_scores.questionnaire_id
        and dimensions.dimension_id = dimension_scores.dimension_id
    group by all
),

counts as (
    select
        batch_id,
        questionnaire_id,
        response_id,
        sum(points) as points,
        sum(max_points) as max_points,
        count(*) as ratings,
        count(*) filter (where is_satisfied) as satisfied,
        count(*) filter (where is_dissatisfied) as dissatisfied,
    from rated
    group by all
),

final as (
    select
        responses.batch_id,
        responses.questionnaire_id,
        responses.response_id,
        responses.customer_id,
        responses.survey_date,
        responses.scope,
        responses.channel,
        responses.subject,
        responses.staff_id,
        csi.csi,
        counts.points,
        counts.max_points,
        coalesce(counts.ratings, 0) as ratings,
        coalesce(counts.satisfied, 0) as satisfied,
        coalesce(counts.dissatisfied, 0) as dissatisfied,
    from responses
    left join csi
        on csi.batch_id = responses.batch_id
        and csi.questionnaire_id = responses.questionnaire_id
        and csi.response_id = responses.response_id
    left join counts
        on counts.batch_id = responses.batch_id
        and counts.questionnaire_id = responses.questionnaire_id
        and counts.response_id = responses.response_id
)

select * from final
