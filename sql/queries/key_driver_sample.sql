-- One row per sampled response x dimension: its dimension score without the overall item
-- ($overall_item, the outcome of the key-driver analysis: a dimension holding it would be
-- correlated with itself), its CSI and its overall-item score. The sample is the 5,000
-- filtered responses with the smallest sample keys (sql/macros/sample_key.sql): a simple
-- random sample, the same on every run, and bounded whatever the warehouse's size.
-- Without a segment or region filter or region limit it is taken from dimension_score_sets,
-- which keeps what the other filters read (schema 15) and is sorted by sample key: DuckDB
-- passes the top-N's running bound to the scan, which skips the row groups of larger keys, and
-- a few row groups are read, not every row (issue 15). With one, the keys of the filtered
-- responses (filtered_responses) are taken first and their sets joined after; a batch holding two
-- responses of one 64-bit key would pair both with the sampled one: about one chance in 10^12
-- for a batch of 5,000 responses.
-- The scores are those the load computed (the mean 0-100 score of a dimension's answered
-- items): the overall item is taken out of its dimension's mean by its own score, so no answer
-- is read again.
with

sets_by_key as (
    select response_id, csi, overall_score, batch_id, scores, ratings,
    from dimension_score_sets
    where $segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null
        and subject = 'own'
        and questionnaire_id = $qid
        and survey_date between $date_from and $date_to
        and chosen(scope, $scope::varchar[])
        and chosen(channel, $channel::varchar[])
        and chosen(staff_id, $staff::varchar[])
    order by sample_key
    limit 5000
),

sampled as (
    select batch_id, sample_key, csi, overall_score,
    from {{filtered_responses}}
    where not ($segment::varchar[] is null and $region::varchar[] is null and $regions::varchar[] is null)
    order by sample_key
    limit 5000
),

overall_dimension as (
    select any_value(dimension_id) as dimension_id,
    from item_levels
    where questionnaire_id = $qid and item_id = $overall_item
),

sets as (
    select * from sets_by_key
    union all by name
    select sets.response_id, sampled.csi, sampled.overall_score, sets.batch_id, sets.scores, sets.ratings,
    from dimension_score_sets as sets
    inner join sampled
        on sampled.sample_key = sets.sample_key
        and sampled.batch_id = sets.batch_id
),

scores as (
    select
        sets.response_id,
        sets.csi,
        sets.overall_score,
        dims.dimension_id,
        sets.scores[dims.position] as score,
        sets.ratings[dims.position] as ratings,
    from sets
    inner join score_dimensions as dims on dims.batch_id = sets.batch_id
    where sets.ratings[dims.position] > 0
),

final as (
    select
        scores.* exclude (score, ratings),
        case
            when scores.dimension_id = overall_dimension.dimension_id and scores.overall_score is not null
                then (scores.score * scores.ratings - scores.overall_score) / nullif(scores.ratings - 1, 0)
            else scores.score
        end as score,
    from scores
    cross join overall_dimension
)

select * from final where score is not null
