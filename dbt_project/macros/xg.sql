{#- Shot geometry on the StatsBomb 120 x 80 pitch (goal at x = 120, posts at y = 36 and 44),
    the same definitions as dbt_project/fitting/shots.py; both must change together. -#}
{% macro shot_distance(x, y) -%}
    sqrt(power(120.0 - ({{ x }}), 2) + power(({{ y }}) - 40.0, 2))
{%- endmacro %}

{% macro shot_angle(x, y) -%}
    abs(atan2(({{ y }}) - 40.0 + 4.0, 120.0 - ({{ x }})) - atan2(({{ y }}) - 40.0 - 4.0, 120.0 - ({{ x }})))
{%- endmacro %}

{#- Whether the point (px, py) lies in the triangle between the shooter (x, y) and the posts,
    as ingest/providers/statsbomb/spec.py in_shot_cone. -#}
{% macro in_shot_cone(px, py, x, y) -%}
    (
        not (
            (
                (({{ px }}) - 120.0) * (({{ y }}) - 36.0) - (({{ x }}) - 120.0) * (({{ py }}) - 36.0) < 0
                or (({{ px }}) - 120.0) * (36.0 - 44.0) < 0
                or (({{ px }}) - ({{ x }})) * (44.0 - ({{ y }})) - (120.0 - ({{ x }})) * (({{ py }}) - ({{ y }})) < 0
            )
            and (
                (({{ px }}) - 120.0) * (({{ y }}) - 36.0) - (({{ x }}) - 120.0) * (({{ py }}) - 36.0) > 0
                or (({{ px }}) - 120.0) * (36.0 - 44.0) > 0
                or (({{ px }}) - ({{ x }})) * (44.0 - ({{ y }})) - (120.0 - ({{ x }})) * (({{ py }}) - ({{ y }})) > 0
            )
        )
    )
{%- endmacro %}

{#- Body part and situation of a shot (the contract's terms), as dbt_project/fitting/shots.py defines them. -#}
{% macro shot_body_part(body_part) -%}
    case
        when ({{ body_part }}) is null or ({{ body_part }}) in ('RIGHT_FOOT', 'LEFT_FOOT') then 'foot'
        when ({{ body_part }}) = 'HEAD' then 'head'
        else 'other'
    end
{%- endmacro %}

{% macro shot_situation(event_type, shot_type, play_pattern) -%}
    case
        when ({{ event_type }}) in ('PENALTY_GOAL', 'PENALTY_MISSED') or ({{ shot_type }}) = 'PENALTY' then 'penalty'
        when ({{ shot_type }}) = 'FREE_KICK' then 'free_kick'
        when ({{ play_pattern }}) = 'FROM_CORNER' then 'corner'
        when ({{ play_pattern }}) in ('FROM_FREE_KICK', 'FROM_THROW_IN') then 'set_piece'
        else 'open_play'
    end
{%- endmacro %}
