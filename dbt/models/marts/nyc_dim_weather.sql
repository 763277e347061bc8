{#- New York's daily weather with the same derived condition as Chicago's dim_weather; enabled
    with the var nyc_tlc. A table of its own, not a city column in dim_weather: each city's
    weather is its own silver dataset, and the Chicago marts must not depend on NYC's tables. -#}
{{ config(enabled=var('nyc_tlc', false), materialized='table') }}

{{ weather_dimension(ref('stg_silver__nyc_weather')) }}
