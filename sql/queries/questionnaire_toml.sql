-- One row: the TOML of the questionnaire version in force.
select toml from questionnaires where questionnaire_id = $qid order by version desc limit 1
