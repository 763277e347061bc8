{#- New York's daily weather with the same derived condition as Chicago's dim_weather; enabled
    with the var nyc_tlc. A table of its own, not a city column in dim_weather: each city's
    weather is its own silver dataset, and the Chicago marts must not depend on NYC's tables. -#}
{{ config(enabled=var('nyc_tlc', false), materialized='table') }}

with

weather as (
    select * from {{ ref('stg_silver__nyc_weather') }}
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
