{#- The trend measures of a daily revenue series (one row a day, columns revenue_date, trips,
    total_revenue, distance_miles), shared by Chicago's revenue_trends and NYC's
    nyc_revenue_trends so both dashboards mean the same by "7-day average" and "week over week".
    Windows are by date range, not row count: a day with no trips is a gap, not a shift. -#}

{#- The window columns, computed over the series with its 27 days of history. -#}
{% macro revenue_trend_windows() -%}
        avg(total_revenue) over (order by revenue_date range between interval '6' day preceding and current row) as revenue_7d_avg,
        avg(total_revenue) over (order by revenue_date range between interval '27' day preceding and current row) as revenue_28d_avg,
        avg(trips) over (order by revenue_date range between interval '6' day preceding and current row) as trips_7d_avg,
        max(total_revenue) over (order by revenue_date range between interval '7' day preceding and interval '7' day preceding) as revenue_week_ago
{%- endmacro %}

{#- The published measures, from the window columns above. -#}
{% macro revenue_trend_measures() -%}
        cast(total_revenue / nullif(distance_miles, 0) as decimal(12, 2)) as revenue_per_mile,
        cast(revenue_7d_avg as decimal(14, 2)) as revenue_7d_avg,
        cast(revenue_28d_avg as decimal(14, 2)) as revenue_28d_avg,
        cast(trips_7d_avg as decimal(14, 2)) as trips_7d_avg,
        cast(100.0 * (total_revenue - revenue_week_ago) / nullif(revenue_week_ago, 0) as decimal(8, 2)) as revenue_wow_change_pct
{%- endmacro %}
