{#- The date predicate of an incremental run: only the days the run was asked for. -#}
{% macro in_run_window(column) -%}
{{ column }} between {{ run_window_bound('start_date') }} and {{ run_window_bound('end_date') }}
{%- endmacro %}

{#- A bound of the run's days as a SQL date literal: var start_date or end_date. -#}
{% macro run_window_bound(name) -%}
date '{{ var(name) }}'
{%- endmacro %}

{#- dbt's own get_where_subquery (the `where` of a generic test), with the run's days put in
    when the test runs: a test's `where` says `<day column> between __run_start_date__ and
    __run_end_date__`. dbt renders a `where` when it parses the project, and a var() there would
    tie the parsed project to one run's days: the local dbt server (lakehouse/dbt_job.py) parses
    once for every day's build instead of once per build. Overriding this macro is dbt's
    documented way to template a `where` beyond var() (docs: resource-configs/where, "Custom
    logic"). -#}
{% macro get_where_subquery(relation) -%}
{#- A test without a `where` has it as none, not missing. -#}
{%- set where = (config.get('where') or '')
    | replace('__run_start_date__', run_window_bound('start_date'))
    | replace('__run_end_date__', run_window_bound('end_date')) -%}
{%- if where -%}
{%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
{%- else -%}
{%- do return(relation) -%}
{%- endif -%}
{%- endmacro %}

{#- Before an incremental run re-inserts its days, delete them, so a rerun replaces rather
    than duplicates, and a day that lost rows upstream loses them here too. -#}
{% macro delete_run_window(column) -%}
{%- if is_incremental() -%}
delete from {{ this }} where {{ in_run_window(column) }}
{%- endif -%}
{%- endmacro %}
