-- For every day, the gold mart's trips and revenue equal silver's valid trips and revenue.
-- Returns the days that disagree (a passing test returns no rows). The run's days only
-- (vars start_date, end_date; all days by default), so its cost does not grow with history.
-- The Chicago-shaped sources' marts only (var chicago).
{{ config(enabled=var('chicago', true)) }}
with

silver as (
    select
        pickup_date as day,
        count(*) as trips,
        sum(trip_total) as revenue
    from {{ source('silver', 'trips') }}
    where {{ in_run_window('pickup_date') }}
    group by pickup_date
),

gold as (
    select
        revenue_date as day,
        sum(trips) as trips,
        sum(total_revenue) as revenue
    from {{ ref('daily_revenue_by_driver') }}
    where {{ in_run_window('revenue_date') }}
    group by revenue_date
)

select
    coalesce(s.day, g.day) as day,
    s.trips as silver_trips,
    g.trips as gold_trips,
    s.revenue as silver_revenue,
    g.revenue as gold_revenue
from silver as s
full outer join gold as g on s.day = g.day
where
    s.trips is distinct from g.trips
    or s.revenue is distinct from g.revenue
