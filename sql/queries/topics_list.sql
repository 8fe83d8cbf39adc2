-- One row per topic in force for the questionnaire $qid (its own, then the company's).
select topic_id, label as topic_label, category as topic_category, array_to_string(keywords, ', ') as keywords,
    array_to_string(exclude, ', ') as exclude, is_company
from stg_topic_rules
where questionnaire_id = $qid
order by is_company, position
