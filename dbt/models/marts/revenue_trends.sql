{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{{ delete_run_window('revenue_date') }}",
        properties={"partitioning": "ARRAY['year(revenue_date)']"}
    )
}}

{#- Moving averages need the 27 days before the run's first day, so the window reads them
    from daily_revenue_by_driver and keeps only the run's days in the output. -#}
with

daily_by_driver as (
    select * from {{ ref('daily_revenue_by_driver') }}
    {% if is_incremental() %}
    where
        revenue_date
        between date '{{ var("start_date") }}' - interval '28' day
        and date '{{ var("end_date") }}'
    {% endif %}
),

daily as (
    select
        revenue_date,
        sum(trips) as trips,
        count(*) as active_drivers,
        sum(total_revenue) as total_revenue,
        sum(tips) as tips,
        sum(distance_miles) as distance_miles,
        arbitrary(weather_condition) as weather_condition,
        arbitrary(temperature_max_c) as temperature_max_c
    from daily_by_driver
    group by revenue_date
),

with_windows as (
    select
        *,
        {{ revenue_trend_windows() }}
    from daily
),

final as (
    select
        revenue_date,
        trips,
        active_drivers,
        total_revenue,
        tips,
        distance_miles,
        {{ revenue_trend_measures() }},
        weather_condition,
        temperature_max_c
    from with_windows
    {% if is_incremental() %}
    where {{ in_run_window('revenue_date') }}
    {% endif %}
)

select * from final
