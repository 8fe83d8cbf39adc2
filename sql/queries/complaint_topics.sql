-- One row per company topic x cause category over the filtered customers' complaints received
-- in the dates: complaints whose description mentions the topic.
with

facts as (select * from complaint_comment_facts),
complaints as (select * from complaint_service),

final as (
    select
        facts.topic_id,
        any_value(facts.topic_label) as topic_label,
        any_value(facts.topic_category) as topic_category,
        facts.cause_category,
        count(distinct facts.complaint_id) as complaints,
    from facts
    inner join complaints on complaints.complaint_id = facts.complaint_id
    where facts.received_at::date between $date_from and $date_to
        and chosen(complaints.segment, $segment::varchar[])
        and chosen(complaints.region, $region::varchar[])
        and in_regions(complaints.region, $regions::varchar[])
    group by facts.topic_id, facts.cause_category
)

select * from final order by complaints desc, topic_id, cause_category
