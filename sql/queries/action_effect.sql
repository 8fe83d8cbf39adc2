-- The effect of one corrective action: windows, samples, intervals, p-values and verdict.
select * from v_action_effect where action_id = $action_id
