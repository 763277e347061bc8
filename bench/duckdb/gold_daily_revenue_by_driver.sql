-- Silver -> gold in DuckDB: the aggregation of dbt/models/marts/daily_revenue_by_driver.sql
-- (through stg_silver__trips and fct_trips), on the silver Parquet that silver_trips.sql
-- wrote. The weather join is left out: it adds one small lookup and no aggregation work.
-- Placeholders: {{out}} (the directory holding silver_trips.parquet).

create or replace table daily_revenue_by_driver as
with

trips as (
    select
        taxi_id as driver_id,
        pickup_date as trip_date,
        cast(trip_miles as decimal(10, 2)) as trip_miles,
        fare,
        coalesce(tips, 0) as tips,
        coalesce(tolls, 0) as tolls,
        coalesce(extras, 0) as surcharges,
        trip_total as total_revenue
    from read_parquet('{{out}}/silver_trips.parquet')
),

per_driver_day as (
    select
        trip_date as revenue_date,
        driver_id,
        count(*) as trips,
        sum(fare) as fare,
        sum(tips) as tips,
        sum(tolls) as tolls,
        sum(surcharges) as surcharges,
        sum(total_revenue) as total_revenue,
        sum(trip_miles) as distance_miles
    from trips
    group by trip_date, driver_id
),

final as (
    select
        *,
        cast(total_revenue / trips as decimal(12, 2)) as revenue_per_trip,
        cast(total_revenue / nullif(distance_miles, 0) as decimal(12, 2)) as revenue_per_mile
    from per_driver_day
)

select * from final;

copy daily_revenue_by_driver to '{{out}}/daily_revenue_by_driver.parquet' (format parquet, compression zstd);
