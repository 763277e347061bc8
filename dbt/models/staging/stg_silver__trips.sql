-- The rejected-share check (tests/assert_rejected_share_within_limit.sql) reads these three
-- sources. dbt build skips a model after a failed test only when the model depends on all of
-- the test's parents; these hints make every gold model wait for the check, so a day silver
-- rejected too much of is never built into gold.
-- depends_on: {{ source('silver', 'silver_runs') }}
-- depends_on: {{ source('silver', 'trips_rejected') }}
-- depends_on: {{ source('silver', 'weather_rejected') }}
{% if var('nyc_tlc', false) %}-- depends_on: {{ source('silver', 'nyc_yellow_trips_rejected') }}{% endif %}
with

source as (
    select * from {{ source('silver', 'trips') }}
),

renamed as (
    select
        trip_id,
        taxi_id as driver_id,
        pickup_date as trip_date,
        pickup_at,
        dropoff_at,
        trip_seconds,
        cast(trip_miles as decimal(10, 2)) as trip_miles,
        pickup_community_area,
        dropoff_community_area,
        fare,
        coalesce(tips, 0) as tips,
        coalesce(tolls, 0) as tolls,
        -- The source's "extras": surcharges and fees beyond fare, tips and tolls.
        coalesce(extras, 0) as surcharges,
        trip_total,
        payment_type,
        company
    from source
)

select * from renamed
