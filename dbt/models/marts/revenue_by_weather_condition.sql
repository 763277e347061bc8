{{ config(materialized='table') }}

with

trends as (
    select * from {{ ref('revenue_trends') }}
),

final as (
    select
        coalesce(weather_condition, 'unknown') as weather_condition,
        count(*) as days,
        cast(avg(total_revenue) as decimal(14, 2)) as avg_daily_revenue,
        cast(avg(trips) as decimal(14, 2)) as avg_daily_trips,
        cast(sum(total_revenue) / nullif(sum(distance_miles), 0) as decimal(12, 2))
            as revenue_per_mile
    from trends
    group by coalesce(weather_condition, 'unknown')
)

select * from final
