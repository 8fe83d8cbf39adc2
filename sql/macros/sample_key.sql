-- A response's place in the warehouse's one random order: a 64-bit hash of its keys, stored
-- with its response scores and dimension score sets at load. The key-driver sample is the
-- responses with the smallest keys among those filtered, a simple random sample that reads few
-- row groups, because dimension_score_sets is sorted by this key (issue 15).
create or replace macro sample_key(batch_id, response_id) as hash(batch_id, response_id)
