{#- NYC TLC revenue per meter vendor per day; enabled with the var nyc_tlc (staging/_silver__sources.yml).
    A vendor is the company whose meter recorded the trip, not a driver (TLC publishes no driver
    id). Two to four rows a day, so partitioned by year. With the day's New York weather, as
    nyc_daily_revenue_by_zone. -#}
{{
    config(
        enabled=var('nyc_tlc', false),
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_run_window('revenue_date') }}",
        properties={
            "partitioning": "ARRAY['year(revenue_date)']"
        }
    )
}}

with

trips as (
    select * from {{ ref('stg_silver__nyc_yellow_trips') }}
    -- The run's days; every day when the vars keep their defaults (a full build).
    where {{ in_run_window('trip_date') }}
),

weather as (
    select * from {{ ref('nyc_dim_weather') }}
),

per_vendor_day as (
    select
        trip_date as revenue_date,
        vendor_id,
        count(*) as trips,
        {{ short_decimal_sum('trip_miles') }} as distance_miles,
        {{ short_decimal_sum('fare') }} as fare,
        {{ short_decimal_sum('tips') }} as tips,
        {{ short_decimal_sum('tolls') }} as tolls,
        {{ short_decimal_sum('surcharges') }} as surcharges,
        {{ short_decimal_sum('trip_total') }} as total_revenue
    from trips
    group by trip_date, vendor_id
),

final as (
    select
        d.revenue_date,
        d.vendor_id,
        -- TLC's data dictionary for yellow trip records (2025 edition); an id it does not list stays
        -- in the mart, named as such, rather than being dropped.
        case d.vendor_id
            when 1 then 'Creative Mobile Technologies, LLC'
            when 2 then 'Curb Mobility, LLC'
            when 6 then 'Myle Technologies Inc'
            when 7 then 'Helix'
            else 'unknown vendor ' || cast(d.vendor_id as varchar)
        end as vendor_name,
        d.trips,
        d.distance_miles,
        d.fare,
        d.tips,
        d.tolls,
        d.surcharges,
        d.total_revenue,
        cast(d.total_revenue / d.trips as decimal(12, 2)) as revenue_per_trip,
        cast(d.total_revenue / nullif(d.distance_miles, 0) as decimal(12, 2)) as revenue_per_mile,
        w.weather_condition,
        w.temperature_max_c,
        w.precipitation_mm
    from per_vendor_day as d
    left join weather as w on d.revenue_date = w.weather_date
)

select * from final
