-- One row per customer the monthly call plan of questionnaire $qid for the month starting
-- $month chooses (CONTRACT §9, the questionnaire's [calls] rules), with every rule that chose
-- it in the contract's order, leaving out the customers the plan already has.
with

own as (
    select customer_id, response_id, survey_date, dissatisfied,
    from response_scores
    where questionnaire_id = $qid and subject = 'own'
),

-- An own response in the quiet days before the month leaves a customer out (but a resurvey).
quiet as (
    select distinct customer_id,
    from own
    where survey_date >= $month::date - $quiet_days::integer and survey_date < $month::date
),

new_sale as (
    select customer_id,
    from stg_sales
    where $new_sales and period = $month::date
    group by customer_id
    having sum(shipments) > 0
),

service_pool as (
    select distinct customer_id,
    from stg_services
    where $service_share > 0 and date_trunc('month', service_date) = $month::date
),

-- The service sample: the eligible customers by md5 of id and month, the first
-- ceil(share x count) (rounded first: 0.3 x 10 is 3.0000000000000004 in floating point).
service as (
    select customer_id,
    from service_pool
    anti join quiet using (customer_id)
    qualify row_number() over (order by md5(customer_id || ':' || $month_key))
        <= ceil(round($service_share * count(*) over (), 9))
),

key_account as (
    select segment.customer_id,
    from customer_prior_revenue as segment
    where $key_accounts and segment.year = year($month::date) and segment.segment = 'key'
        and not exists (
            select 1 from own
            where own.customer_id = segment.customer_id
                and year(own.survey_date) = year($month::date) and own.survey_date < $month::date
        )
),

-- The latest own response of the month before, when it has a dissatisfied rating.
resurvey as (
    select customer_id,
    from own
    where $resurvey and survey_date >= $month::date - interval 1 month and survey_date < $month::date
    qualify row_number() over (partition by customer_id order by survey_date desc, response_id desc) = 1
        and dissatisfied > 0
),

chosen as (
    select customer_id, 1 as rule, 'new_sale' as reason, from new_sale anti join quiet using (customer_id)
    union all
    select customer_id, 2, 'service', from service
    union all
    select customer_id, 3, 'key_account', from key_account anti join quiet using (customer_id)
    union all
    select customer_id, 4, 'resurvey', from resurvey
),

planned as (
    select customer_id,
    from calls
    where questionnaire_id = $qid and plan_month = $month::date
),

final as (
    select customer_id, list(reason order by rule) as reasons,
    from chosen
    anti join planned using (customer_id)
    group by customer_id
)

select * from final
order by customer_id
