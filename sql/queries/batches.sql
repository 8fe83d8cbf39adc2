-- One row per batch, newest first.
select
    batch_id,
    kind,
    file_name,
    questionnaire_id,
    rows,
    status,
    loaded_at,
from batches
order by loaded_at desc, batch_id desc
