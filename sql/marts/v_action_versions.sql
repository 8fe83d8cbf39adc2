-- One row per version of every corrective action: what it said, its status, who recorded it
-- and when (CONTRACT §5: every version stays).
select
    action_id,
    version,
    status,
    changed_at,
    changed_by,
    change_note,
    batch_id,
    * exclude (action_id, version, status, changed_at, changed_by, change_note, batch_id),
from stg_action_versions
