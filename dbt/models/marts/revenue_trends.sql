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
    where revenue_date between date '{{ var("start_date") }}' - interval '28' day and date '{{ var("end_date") }}'
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
        avg(total_revenue) over (order by revenue_date range between interval '6' day preceding and current row) as revenue_7d_avg,
        avg(total_revenue) over (order by revenue_date range between interval '27' day preceding and current row) as revenue_28d_avg,
        avg(trips) over (order by revenue_date range between interval '6' day preceding and current row) as trips_7d_avg,
        max(total_revenue) over (order by revenue_date range between interval '7' day preceding and interval '7' day preceding) as revenue_week_ago
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
        cast(total_revenue / nullif(distance_miles, 0) as decimal(12, 2)) as revenue_per_mile,
        cast(revenue_7d_avg as decimal(14, 2)) as revenue_7d_avg,
        cast(revenue_28d_avg as decimal(14, 2)) as revenue_28d_avg,
        cast(trips_7d_avg as decimal(14, 2)) as trips_7d_avg,
        cast(100.0 * (total_revenue - revenue_week_ago) / nullif(revenue_week_ago, 0) as decimal(8, 2)) as revenue_wow_change_pct,
        weather_condition,
        temperature_max_c
    from with_windows
    {% if is_incremental() %}
    where {{ in_run_window('revenue_date') }}
    {% endif %}
)

select * from final
