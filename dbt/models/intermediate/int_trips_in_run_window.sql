{#- The trips of the days this run builds (all days on a full refresh). -#}
with

trips as (
    select * from {{ ref('stg_silver__trips') }}
)

select * from trips
{% if var('start_date') != '1900-01-01' or var('end_date') != '2999-12-31' %}
where {{ in_run_window('trip_date') }}
{% endif %}
