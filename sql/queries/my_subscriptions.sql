-- The report subscriptions of the signed-in user ($me), with the newest period sent to them.
select subscription_id, questionnaire_id, grain, format, lang, since, last_sent,
from subscription_status
where user_name = $me
order by subscription_id
