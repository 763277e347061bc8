{#- The rejected-share check (tests/assert_rejected_share_within_limit.sql) reads silver's run log
    and the enabled sources' rejected tables. dbt build skips a model after a failed test only
    when the model depends on all of the test's parents, so every staging model names them all
    (as depends_on hints, which dbt records while rendering): a day silver rejected too much of is
    never built into gold. -#}
{% macro rejected_share_inputs() -%}
-- depends_on: {{ source('silver', 'silver_runs') }}
{% if var('chicago', true) -%}
-- depends_on: {{ source('silver', 'trips_rejected') }}
-- depends_on: {{ source('silver', 'weather_rejected') }}
{% endif -%}
{% if var('nyc_tlc', false) -%}
-- depends_on: {{ source('silver', 'nyc_yellow_trips_rejected') }}
{%- endif %}
{%- endmacro %}
