{{ config(materialized='table') }}
{#- Chicago's days (the Chicago-shaped sources' weather); macros/weather_condition.sql. -#}
{{ weather_dimension(ref('stg_silver__weather')) }}
