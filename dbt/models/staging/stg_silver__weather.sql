-- Waits for the rejected-share check (macros/rejected_share_inputs.sql).
{{ rejected_share_inputs() }}
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
