-- Waits for the rejected-share check (macros/rejected_share_inputs.sql).
{{ rejected_share_inputs() }}
{{ weather_staging(source('silver', 'weather')) }}
