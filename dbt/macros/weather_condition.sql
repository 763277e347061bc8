{#- Every city's weather is its own silver table of one shape (Open-Meteo's daily answer:
    spark/lakehouse/silver/weather.py), so its staging view and dimension are written once here
    and each city's model names only its relation. -#}

{#- The day's weather in one word, as the dashboards group it. Snow wins over rain: a day with
    any snowfall is a snow day for traffic. -#}
{% macro weather_condition(snowfall_cm, precipitation_mm) -%}
case
    when {{ snowfall_cm }} > 0 then 'snow'
    when {{ precipitation_mm }} >= 1.0 then 'rain'
    else 'dry'
end
{%- endmacro %}

{#- A city's silver weather for gold: one row per day, the measures gold uses. -#}
{% macro weather_staging(silver_weather) -%}
with

source as (
    select * from {{ silver_weather }}
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
{%- endmacro %}

{#- A city's weather dimension: its staged days with the derived condition; one row per date. -#}
{% macro weather_dimension(staged_weather) -%}
with

weather as (
    select * from {{ staged_weather }}
),

final as (
    -- The staged measures as weather_staging names them, then what is derived from them.
    select
        *,
        {{ weather_condition('snowfall_cm', 'precipitation_mm') }} as weather_condition,
        temperature_max_c <= 0 as is_freezing
    from weather
)

select * from final
{%- endmacro %}
