{#- New York's daily weather for the NYC marts; enabled with the var nyc_tlc (see _silver__sources.yml). -#}
{{ config(enabled=var('nyc_tlc', false)) }}
-- Waits for the rejected-share check (macros/rejected_share_inputs.sql).
{{ rejected_share_inputs() }}
{{ weather_staging(source('silver', 'nyc_weather')) }}
