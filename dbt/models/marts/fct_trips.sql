{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_run_window('trip_date') }}",
        properties={
            "partitioning": "ARRAY['day(trip_date)']",
            "sorted_by": "ARRAY['driver_id']"
        }
    )
}}

with

trips as (
    select * from {{ ref('int_trips_in_run_window') }}
),

final as (
    select
        trip_id,
        driver_id,
        trip_date,
        pickup_at,
        dropoff_at,
        trip_seconds,
        trip_miles,
        pickup_community_area,
        dropoff_community_area,
        fare,
        tips,
        tolls,
        surcharges,
        trip_total as total_revenue,
        payment_type
    from trips
)

select * from final
