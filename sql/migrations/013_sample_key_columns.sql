-- Schema 13 (issue 15): each response score and dimension score set gets a sample key (the
-- macro sample_key), filled by schema 14, which rewrites the tables. A step of its own, so that
-- the new orders can be set between the two (warehouse.migrate._RESORTED): dimension score
-- sets are sorted by the key.
alter table response_scores add column sample_key ubigint;
alter table dimension_score_sets add column sample_key ubigint;
