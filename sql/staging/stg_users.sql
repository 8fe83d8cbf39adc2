-- One row per dashboard user: the newest version of each name.
select * from users
qualify row_number() over (partition by user_name order by changed_at desc) = 1
