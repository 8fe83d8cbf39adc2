-- One row per period grain of the public views.
select unnest(['month', 'quarter', 'year']) as period_grain
