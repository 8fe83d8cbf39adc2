-- One row per active complaint: service-level facts (24 h first answer, 3 working days).
with

complaints as (select * from stg_complaints),

final as (
    select
        *,
        first_response_at is not null
        and first_response_at <= received_at + interval 24 hour as is_answered_24h,
        case
            when verified_at is not null then len(list_filter(
                generate_series(received_at::date + 1, verified_at::date, interval 1 day),
                d -> isodow(d) <= 5
            ))
        end as verify_working_days,
        verified_at is not null and len(list_filter(
            generate_series(received_at::date + 1, verified_at::date, interval 1 day),
            d -> isodow(d) <= 5
        )) <= 3 as is_verified_3wd,
        epoch(first_response_at - received_at) / 3600.0 as first_response_hours,
    from complaints
)

select * from final
