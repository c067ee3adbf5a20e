{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Each team's match statistics as the feed last sent them (the final ones once the match is
-- over): possession, shots, passes, corners, fouls, cards. A figure the provider does not
-- measure stays null, never 0; `provider` says where the row comes from.
with changed as (
    {{ changed_matches([ref('stg_streaming__team_live_stats')]) }}
),

latest as (
    {{ latest_stats(ref('stg_streaming__team_live_stats'), 'team_id') }}
)

select
    l.match_id,
    l.provider,
    l.team_id,
    l.team,
    l.team_side,
    l.minute,
    l.is_final,
    l.goals,
    l.possession,
    {{ shot_and_pass_figures('l') }},
    l.corners,
    l.fouls,
    l.offsides,
    l.tackles,
    l.interceptions,
    l.yellow_cards,
    l.red_cards,
    l.recorded_at as updated_at,
    c.source_landed_at
from latest as l
inner join changed as c on l.match_id = c.match_id
where l.recency = 1
