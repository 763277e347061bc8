{#- The date predicate of an incremental run: only the days the run was asked for. -#}
{% macro in_run_window(column) -%}
{{ column }} between date '{{ var("start_date") }}' and date '{{ var("end_date") }}'
{%- endmacro %}

{#- Before an incremental run re-inserts its days, delete them, so a rerun replaces rather
    than duplicates, and a day that lost rows upstream loses them here too. -#}
{% macro delete_run_window(column) -%}
{%- if is_incremental() -%}
delete from {{ this }} where {{ in_run_window(column) }}
{%- endif -%}
{%- endmacro %}
