-- One row per active complaint x cause it names: a cause field such as "H93,H15," names two
-- (split on , ; 、 / and their full-width forms; blanks and trailing separators ignored).
with

complaints as (select * from stg_complaints),

split as (
    select
        complaint_id,
        list_distinct(list_filter(
            list_transform(regexp_split_to_array(coalesce(cause, ''), '[,;、/，；]'), c -> trim(c)),
            c -> c <> ''
        )) as causes,
    from complaints
),

final as (
    select
        complaint_id,
        unnest(case when len(causes) = 0 then [null::varchar] else causes end) as cause,
    from split
)

select * from final
