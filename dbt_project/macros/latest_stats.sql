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

{#- The changed matches whose figures come from the running statistics rather than the events:
    a live provider (API-Football, football-data.org) sends goals, cards and substitutions but no
    event-level shots or passes, so a match with team-live-stats and no SHOT or PASS event is
    read from the provider's cumulative statistics. Replayed StatsBomb matches have both.
    int_fantasy_actions and int_team_stat_windows (team_momentum) read it. -#}
{% macro matches_without_event_detail() -%}
    select distinct t.match_id
    from {{ ref('stg_streaming__team_live_stats') }} as t
    where
        not exists (
            select 1
            from {{ ref('stg_streaming__match_events') }} as e
            where e.match_id = t.match_id and e.event_type in ('SHOT', 'PASS')
        )
{%- endmacro %}
