{#- Shot geometry on the StatsBomb 120 x 80 pitch (goal at x = 120, posts at y = 36 and 44),
    the same definitions as dbt_project/fitting/shots.py; both must change together. -#}
{% macro shot_distance(x, y) -%}
    sqrt(power(120.0 - ({{ x }}), 2) + power(({{ y }}) - 40.0, 2))
{%- endmacro %}

{% macro shot_angle(x, y) -%}
    abs(atan2(({{ y }}) - 40.0 + 4.0, 120.0 - ({{ x }})) - atan2(({{ y }}) - 40.0 - 4.0, 120.0 - ({{ x }})))
{%- endmacro %}
