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
    select * from {{ source('silver', 'weather') }}
),

renamed as (
    select
        weather_date,
        temperature_max_c,
        temperature_min_c,
        precipitation_mm,
        snowfall_cm,
        wind_speed_max_kmh
    from source
)

select * from renamed
