{#- The state of each match a scoreboard shows, one row per match, from the newest of its rows in
    `snapshots` (rows of stg_streaming__live_matches): the highest sequence, then the latest event time
    and event id. Scores are taken as the snapshot gives them, never summed, so a goal cancelled by VAR
    (a score that goes down) is reflected as it is. int_match_results keeps it for every match the
    pipeline has seen; the scoreboard reads it live for the snapshots landed since. -#}
{% macro match_states(snapshots) -%}
    select distinct on (s.match_id)
        s.match_id,
        s.competition,
        s.home_team,
        s.away_team,
        s.home_score,
        s.away_score,
        s.home_penalties,
        s.away_penalties,
        s.status,
        s.minute,
        s.recorded_at as updated_at,
        s.is_neutral_venue,
        max(s.landed_at) over (partition by s.match_id) as source_landed_at,
        coalesce(s.match_date, s.kickoff::date) as match_date
    from {{ snapshots }} as s
    order by s.match_id asc, s.sequence desc, s.recorded_at desc, s.event_id desc
{%- endmacro %}
