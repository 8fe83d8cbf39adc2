-- One row per audited event (CONTRACT §7): when, who, what (login, login_failed, logout, upload,
-- rollback, questionnaire, action, setting, user, report, download) and its detail as JSON.
-- A load of corrective actions is an `action` event; command-line events are by cli:<os user>.
select
    logged_at as "at",
    coalesce(user_name, 'cli') as user_name,
    case
        when action = 'load' and json_extract_string(detail, '$.kind') = 'actions' then 'action'
        when action = 'load' then 'upload'
        else action
    end as event,
    case
        when batch_id is null then detail
        else json_merge_patch(coalesce(detail, '{}'), json_object('batch_id', batch_id))
    end as detail,
from audit_log
