{#- NYC TLC revenue per pickup zone per day; enabled with the var nyc_tlc (staging/_silver__sources.yml).
    ~260 rows a day (TLC has 265 zones), so partitioned by month like daily_revenue_by_driver.
    With the day's New York weather (nyc_dim_weather; NULL for a day without it, as in
    daily_revenue_by_driver: a missing weather day must not drop revenue). -#}
{{
    config(
        enabled=var('nyc_tlc', false),
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_run_window('revenue_date') }}",
        properties={
            "partitioning": "ARRAY['month(revenue_date)']",
            "sorted_by": "ARRAY['pickup_location_id']"
        }
    )
}}

with

trips as (
    select * from {{ ref('stg_silver__nyc_yellow_trips') }}
    -- The run's days; every day when the vars keep their defaults (a full build).
    where {{ in_run_window('trip_date') }}
),

zones as (
    select
        cast(locationid as integer) as location_id,
        borough,
        zone as zone_name,
        service_zone
    from {{ ref('nyc_taxi_zones') }}
),

weather as (
    select * from {{ ref('nyc_dim_weather') }}
),

per_zone_day as (
    select
        trip_date as revenue_date,
        pickup_location_id,
        count(*) as trips,
        sum(passenger_count) as passengers,
        {{ short_decimal_sum('trip_miles') }} as distance_miles,
        {{ short_decimal_sum('fare') }} as fare,
        {{ short_decimal_sum('tips') }} as tips,
        {{ short_decimal_sum('tolls') }} as tolls,
        {{ short_decimal_sum('surcharges') }} as surcharges,
        {{ short_decimal_sum('congestion_surcharge') }} as congestion_surcharge,
        {{ short_decimal_sum('airport_fee') }} as airport_fee,
        {{ short_decimal_sum('cbd_congestion_fee') }} as cbd_congestion_fee,
        {{ short_decimal_sum('trip_total') }} as total_revenue
    from trips
    group by trip_date, pickup_location_id
),

final as (
    select
        d.revenue_date,
        d.pickup_location_id,
        z.borough as pickup_borough,
        z.zone_name as pickup_zone,
        z.service_zone as pickup_service_zone,
        d.trips,
        d.passengers,
        d.distance_miles,
        d.fare,
        d.tips,
        d.tolls,
        d.surcharges,
        d.congestion_surcharge,
        d.airport_fee,
        d.cbd_congestion_fee,
        d.total_revenue,
        cast(d.total_revenue / d.trips as decimal(12, 2)) as revenue_per_trip,
        w.weather_condition,
        w.temperature_max_c,
        w.precipitation_mm
    from per_zone_day as d
    left join zones as z on d.pickup_location_id = z.location_id
    left join weather as w on d.revenue_date = w.weather_date
)

select * from final
