-- One row per questionnaire x topic in force: the questionnaire's own [[topics]] and the
-- company-wide ones (owner '*'); a questionnaire's topic overrides a company topic of its id.
with

questionnaires as (select distinct questionnaire_id from questionnaires),
topics as (select * from topics),

own as (
    select
        topics.owner as questionnaire_id,
        topics.* exclude (owner),
        false as is_company,
    from topics
    where topics.owner <> '*'
),

company as (
    select
        questionnaires.questionnaire_id,
        topics.* exclude (owner),
        true as is_company,
    from topics
    cross join questionnaires
    where topics.owner = '*'
        and not exists (
            select 1 from own
            where own.questionnaire_id = questionnaires.questionnaire_id and own.topic_id = topics.topic_id
        )
),

final as (
    select * from own
    union all
    select * from company
)

select * from final
