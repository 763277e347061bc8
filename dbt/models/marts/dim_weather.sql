{{ config(materialized='table') }}

with

weather as (
    select * from {{ ref('stg_silver__weather') }}
),

final as (
    select
        weather_date,
        temperature_max_c,
        temperature_min_c,
        precipitation_mm,
        snowfall_cm,
        wind_speed_max_kmh,
        {{ weather_condition('snowfall_cm', 'precipitation_mm') }} as weather_condition,
        temperature_max_c <= 0 as is_freezing
    from weather
)

select * from final
