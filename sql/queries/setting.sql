-- One row (or none): the value of one setting.
select value from setting_values where key = $key
