-- For every day of the run, each NYC mart's trips and revenue equal silver's valid NYC trips
-- and revenue: by pickup zone, by vendor and the daily trend, three groupings of the same trips
-- (enabled with the var nyc_tlc). Returns the days and marts that disagree.
{{ config(enabled=var('nyc_tlc', false)) }}
with

silver as (
    select
        pickup_date as day,
        count(*) as trips,
        sum(total_amount) as revenue
    from {{ source('silver', 'nyc_yellow_trips') }}
    where {{ in_run_window('pickup_date') }}
    group by pickup_date
),

marts as (
    select
        'nyc_daily_revenue_by_zone' as mart,
        revenue_date as day,
        sum(trips) as trips,
        sum(total_revenue) as revenue
    from {{ ref('nyc_daily_revenue_by_zone') }}
    where {{ in_run_window('revenue_date') }}
    group by revenue_date
    union all
    select
        'nyc_daily_revenue_by_vendor' as mart,
        revenue_date as day,
        sum(trips) as trips,
        sum(total_revenue) as revenue
    from {{ ref('nyc_daily_revenue_by_vendor') }}
    where {{ in_run_window('revenue_date') }}
    group by revenue_date
    union all
    select
        'nyc_revenue_trends' as mart,
        revenue_date as day,
        trips,
        total_revenue as revenue
    from {{ ref('nyc_revenue_trends') }}
    where {{ in_run_window('revenue_date') }}
),

expected as (
    select
        m.mart,
        s.day,
        s.trips,
        s.revenue
    from silver as s
    -- Every mart named, so a mart with no rows for a day of trips is a disagreement.
    cross join (
        values 'nyc_daily_revenue_by_zone', 'nyc_daily_revenue_by_vendor', 'nyc_revenue_trends'
    ) as m (mart)
)

select
    coalesce(e.mart, m.mart) as mart,
    coalesce(e.day, m.day) as day,
    e.trips as silver_trips,
    m.trips as mart_trips,
    e.revenue as silver_revenue,
    m.revenue as mart_revenue
from expected as e
full outer join marts as m on e.mart = m.mart and e.day = m.day
where
    e.trips is distinct from m.trips
    or e.revenue is distinct from m.revenue
