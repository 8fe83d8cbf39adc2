-- One row: the settings the metrics use, with their defaults.
select
    coalesce(
        (select max(try_cast(value as double)) from settings where key = 'key_account_threshold'),
        5000000
    ) as key_account_threshold,
