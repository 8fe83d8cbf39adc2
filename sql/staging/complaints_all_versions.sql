-- One row per version of every complaint still loaded (superseded ones too; rolled-back batches
-- are deleted): a case's history.
select complaints.*, batches.loaded_at,
from complaints
inner join batches using (batch_id)
where batches.status = 'loaded'
