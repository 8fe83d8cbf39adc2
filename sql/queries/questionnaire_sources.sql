-- One row per questionnaire: the TOML of its version in force (the English names it gives).
select questionnaire_id, arg_max(toml, version) as toml,
from questionnaires
group by questionnaire_id
order by questionnaire_id
