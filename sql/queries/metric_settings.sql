-- One row: the settings in force that the dashboard's statistics read.
select * from stg_settings
