-- revenue_trends' daily totals equal the sum over drivers in daily_revenue_by_driver, for the
-- run's days (vars start_date, end_date; all days by default).
-- The Chicago-shaped sources' marts only (var chicago).
{{ config(enabled=var('chicago', true)) }}
with

by_driver as (
    select
        revenue_date,
        sum(total_revenue) as revenue,
        sum(trips) as trips
    from {{ ref('daily_revenue_by_driver') }}
    where {{ in_run_window('revenue_date') }}
    group by revenue_date
)

select
    t.revenue_date,
    t.total_revenue,
    d.revenue,
    t.trips,
    d.trips as driver_trips
from (
    select * from {{ ref('revenue_trends') }}
    where {{ in_run_window('revenue_date') }}
) as t
full outer join by_driver as d on t.revenue_date = d.revenue_date
where
    t.total_revenue is distinct from d.revenue
    or t.trips is distinct from d.trips
