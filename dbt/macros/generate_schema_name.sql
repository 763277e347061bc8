{#- Schemas are named <target schema>_<custom> (gold_internal), or the target schema itself;
    never a developer-specific prefix, so the local stack and the cluster build the same names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
