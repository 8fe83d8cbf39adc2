-- One row per active response: its CSI, points and its customer's segment that year.
with

scores as (select * from response_scores),
segments as (select * from v_customer_segment),

final as (
    select
        scores.response_id,
        scores.questionnaire_id,
        scores.batch_id,
        scores.customer_id,
        scores.survey_date,
        scores.scope,
        scores.channel,
        scores.subject,
        scores.staff_id,
        coalesce(segments.segment, 'general') as segment,
        scores.csi,
        scores.points,
        scores.max_points,
    from scores
    left join segments
        on segments.customer_id = scores.customer_id
        and segments.year = year(scores.survey_date)
)

select * from final
