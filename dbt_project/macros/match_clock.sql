{#- The match clock in the contract's terms: periods 1-4 end at the minutes of the var
    period_end_minute (from ingest/vocabulary.py); added time counts beyond the end. -#}
{% macro period_end_minute(period) -%}
    {%- set ends = var('period_end_minute') -%}
    {%- set periods = ends | list -%}
    case {{ period }}
    {%- for number in periods[:-1] %} when {{ number }} then {{ ends[number] }}{% endfor %}
    else {{ ends[periods[-1]] }} end
{%- endmacro %}

{#- The first minute of the `width`-minute window of the match clock an event falls in, per
    period; added time counts in the period's last window. -#}
{% macro clock_window_start(minute, period, width=5) -%}
    least({{ minute }}, {{ period_end_minute(period) }} - {{ width }})
    - least({{ minute }}, {{ period_end_minute(period) }} - {{ width }}) % {{ width }}
{%- endmacro %}
