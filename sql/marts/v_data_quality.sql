-- One row per kind x check: active records that load but point at nothing (uploads come in
-- any order): customer ids without a customers row, complaint dimensions no questionnaire has,
-- survey responses without an answer to a required item.
with

customers as (select customer_id from stg_customers),
dimensions as (select distinct dimension_id from q_dimensions),
required as (select questionnaire_id, item_id from q_items where required),

-- The active responses with a required item left unanswered.
unanswered as (
    select distinct sets.questionnaire_id || '|' || sets.response_id as response_key,
    from answer_sets as sets
    semi join stg_responses as active using (batch_id, questionnaire_id, response_id)
    inner join required using (questionnaire_id)
    left join answer_items as items
        on items.batch_id = sets.batch_id and items.item_id = required.item_id
    where items.position is null or sets.level_values[items.position] is null
),

checks as (
    select 'survey' as kind, 'unknown_customer' as check_name, count(*) as records,
        count(*) filter (where customer_id not in (select customer_id from customers)) as affected,
    from stg_responses
    union all
    select 'complaints', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_complaints
    union all
    select 'complaints', 'unknown_dimension', count(*),
        count(*) filter (
            where dimension_id is not null
            and dimension_id not in (select dimension_id from dimensions)
        ),
    from stg_complaints
    union all
    select 'sales', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_sales
    union all
    select 'contacts', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_contacts
    union all
    -- responses without an answer to a required item (they load; the desk refuses them)
    select 'survey', 'required_missing', count(*),
        count(*) filter (where questionnaire_id || '|' || response_id in (select response_key from unanswered)),
    from stg_responses
    union all
    select 'services', 'unknown_customer', count(*),
        count(*) filter (where customer_id not in (select customer_id from customers)),
    from stg_services
),

final as (
    select kind, check_name, records, affected, pct(affected, records) as affected_pct,
    from checks
)

select * from final
