{{ config(materialized='table') }}

with

days as (
    select t.day as date_day
    from unnest(sequence(date '2012-01-01', date '2030-12-31', interval '1' day)) as t (day)
),

final as (
    select
        date_day,
        year(date_day) as year_number,
        month(date_day) as month_number,
        day_of_week(date_day) as iso_day_of_week,
        format_datetime(cast(date_day as timestamp), 'EEEE') as day_name,
        date_trunc('week', date_day) as week_start_date,
        date_trunc('month', date_day) as month_start_date,
        day_of_week(date_day) in (6, 7) as is_weekend
    from days
)

select * from final
