-- One row per dashboard user: the newest version of each name, with its newest password hash.
with

versions as (select * from users),

passwords_set as (select * from passwords),

newest as (
    select * from versions
    qualify row_number() over (partition by user_name order by changed_at desc) = 1
),

newest_password as (
    select user_name, decode(password_hash) as password_hash, from passwords_set
    qualify row_number() over (partition by user_name order by set_at desc) = 1
),

final as (
    select newest.*, newest_password.password_hash,
    from newest
    left join newest_password using (user_name)
)

select * from final
