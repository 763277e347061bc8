{#- New York's daily weather for the NYC marts; enabled with the var nyc_tlc (see _silver__sources.yml). -#}
{{ config(enabled=var('nyc_tlc', false)) }}
-- The rejected-share check's sources, as in the other staging models: gold waits for it.
-- depends_on: {{ source('silver', 'silver_runs') }}
-- depends_on: {{ source('silver', 'trips_rejected') }}
-- depends_on: {{ source('silver', 'weather_rejected') }}
{% if var('nyc_tlc', false) %}-- depends_on: {{ source('silver', 'nyc_yellow_trips_rejected') }}{% endif %}
with

source as (
    select * from {{ source('silver', 'nyc_weather') }}
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
