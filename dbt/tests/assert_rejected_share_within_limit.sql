-- Every day of the run whose latest silver run rejected more than var('max_rejected_share') of
-- the records the source sent (bronze), with the reasons and their counts, most first. A quarter
-- of a day rejected by a wrong rule once passed every other test, because gold reconciles with
-- silver, not with what the source sent. Failing here stops the build before gold takes the day.
-- Days under var('min_records_for_rejected_share') records are not judged (dbt_project.yml).
with

runs as (
    select
        dataset,
        source_date,
        bronze_records,
        rejected,
        row_number() over (partition by dataset, source_date order by finished_at desc) as recency
    from {{ source('silver', 'silver_runs') }}
    where {{ in_run_window('source_date') }}
),

latest as (
    select * from runs
    where recency = 1
),

{# The rejected tables of the sources this build takes (vars chicago, nyc_tlc): nyc_weather's,
    one record a day, is always under min_records_for_rejected_share. #}
{%- set rejected_datasets = [] -%}
{%- if var('chicago', true) -%}{%- do rejected_datasets.extend(['trips', 'weather']) -%}{%- endif -%}
{%- if var('nyc_tlc', false) -%}{%- do rejected_datasets.append('nyc_yellow_trips') -%}{%- endif %}
reasons as (
    {%- for dataset in rejected_datasets %}
    select
        '{{ dataset }}' as dataset,
        source_date,
        reason,
        count(*) as records
    from {{ source('silver', dataset ~ '_rejected') }}
    where {{ in_run_window('source_date') }}
    group by source_date, reason
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

named as (
    select
        dataset,
        source_date,
        array_join(
            array_agg(
                reason || ' ' || cast(records as varchar)
                order by records desc, reason asc
            ),
            ', '
        ) as reasons
    from reasons
    group by dataset, source_date
)

select
    l.dataset,
    l.source_date,
    l.bronze_records,
    l.rejected,
    cast(l.rejected as double) / l.bronze_records as rejected_share,
    n.reasons
from latest as l
left join named as n on l.dataset = n.dataset and l.source_date = n.source_date
where
    l.bronze_records >= {{ var('min_records_for_rejected_share') }}
    and cast(l.rejected as double) / l.bronze_records > {{ var('max_rejected_share') }}
