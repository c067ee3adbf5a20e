{# The running statistics rows of the changed matches, each with `recency` 1 for the newest per
   match and `entity` (player_id, team_id): the final ones once sent, else the latest sequence. #}
{% macro latest_stats(relation, entity) -%}
    select
        s.*,
        row_number() over (
            partition by s.match_id, s.{{ entity }}
            order by s.is_final desc, s.sequence desc, s.recorded_at desc
        ) as recency
    from {{ relation }} as s
    where s.match_id in (select changed.match_id from changed)
{%- endmacro %}

{#- The shooting and passing figures both running-statistics topics send, as the player and team
    marts show them: null where the provider does not measure them, never 0. -#}
{% macro shot_and_pass_figures(relation_alias) -%}
    {%- for figure in ['shots', 'shots_on_target', 'xg', 'passes', 'passes_completed', 'pass_accuracy'] -%}
        {{ ',\n    ' if not loop.first }}{{ relation_alias }}.{{ figure }}
    {%- endfor %}
{%- endmacro %}
