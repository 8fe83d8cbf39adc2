-- Every version of one corrective action, newest first.
select * exclude (batch_id, action_id)
from v_action_versions
where action_id = $action_id
order by version desc
