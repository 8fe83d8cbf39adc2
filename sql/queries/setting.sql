-- One row (or none): the value of one setting.
select value from settings where key = $key
