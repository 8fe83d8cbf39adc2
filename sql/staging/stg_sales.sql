-- One row per active period x customer x product of sales.
with

sales as (select * from sales),
supersessions as (select * from supersessions where kind = 'sales'),

final as (
    select sales.* exclude (source_row),
    from sales
    anti join supersessions
        on supersessions.record_key = concat_ws(
            '|', sales.period::varchar, sales.customer_id, coalesce(sales.product, '')
        )
        and supersessions.old_batch_id = sales.batch_id
)

select * from final
