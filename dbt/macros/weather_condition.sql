{#- The day's weather in one word, as the dashboards group it. Snow wins over rain: a day with
    any snowfall is a snow day for traffic. One definition for every city's weather dimension. -#}
{% macro weather_condition(snowfall_cm, precipitation_mm) -%}
    case
        when {{ snowfall_cm }} > 0 then 'snow'
        when {{ precipitation_mm }} >= 1.0 then 'rain'
        else 'dry'
    end
{%- endmacro %}
