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
        -- Snow wins over rain: a day with any snowfall is a snow day for traffic.
        case
            when snowfall_cm > 0 then 'snow'
            when precipitation_mm >= 1.0 then 'rain'
            else 'dry'
        end as weather_condition,
        temperature_max_c <= 0 as is_freezing
    from weather
)

select * from final
