-- One row per 5M1E category x cause: complaints and dissatisfied ratings in the dates (a
-- dissatisfied item is a cause of its dimension's category; item_id names it).
with

complaints as (
    select cause_category as category, coalesce(cause, '-') as cause, count(*) as complaints,
        0 as dissatisfied,
        null::varchar as item_id,
    from complaint_cause_facts
    where received_at::date between $date_from and $date_to
        and chosen(segment, $segment::varchar[])
        and chosen(region, $region::varchar[])
        and in_regions(region, $regions::varchar[])
    group by all
),

levels as (select * from {{filtered_levels}} where subject = 'own' and is_dissatisfied),

dissatisfaction as (
    select
        dimensions.category,
        items.item_label as cause,
        0 as complaints,
        sum(levels.ratings) as dissatisfied,
        items.item_id,
    from levels
    inner join q_items as items
        on items.questionnaire_id = levels.questionnaire_id
        and items.item_id = levels.item_id
    inner join q_dimensions as dimensions
        on dimensions.questionnaire_id = levels.questionnaire_id
        and dimensions.dimension_id = levels.dimension_id
    where dimensions.category is not null
    group by all
),

final as (
    select * from complaints
    union all
    select * from dissatisfaction
)

select * from final order by category, complaints + dissatisfied desc
