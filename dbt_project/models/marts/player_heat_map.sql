{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Where each player had the ball or pressed it (a heat map, as Sofascore draws one): per match,
-- player and zone of a 10 x 8 grid on the pitch (10.5 x 8.5 m on a 105 x 68 m pitch), the
-- player's touches there and their share of the player's touches in the match. Touches: passes,
-- receipts, carries, dribbles, shots, duels and defensive actions (pressures, tackles,
-- interceptions, blocks, clearances, recoveries, goalkeeper actions). The contract's one
-- coordinate system: percent of the pitch length in the team's attacking direction and of its
-- width, so every team attacks from zone 1 to zone 10. A team's map is the sum over its
-- players. Rebuilt by the live loop for the matches landed since its last run: a table, so a
-- dashboard filtered by match or player reads only those rows.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

touches as (
    select
        *,
        least(floor(location_x / 10), 9)::integer + 1 as x_zone,
        least(floor(location_y / 12.5), 7)::integer + 1 as y_zone
    from {{ ref('stg_streaming__match_events') }}
    where
        event_type in (
            'PASS', 'BALL_RECEIPT', 'CARRY', 'DRIBBLE', 'MISCONTROL', 'DISPOSSESSED', 'SHIELD',
            'SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED',
            'DUEL', 'FIFTY_FIFTY', 'PRESSURE', 'TACKLE', 'INTERCEPTION', 'BLOCK', 'CLEARANCE',
            'BALL_RECOVERY', 'GOALKEEPER'
        )
        and player_id is not null
        and location_x is not null
        and location_y is not null
        and match_id in (select changed.match_id from changed)
)

select
    t.match_id,
    t.team_side,
    t.team,
    t.player_id,
    t.player_name,
    t.x_zone,
    t.y_zone,
    count(*) as touches,
    round(count(*)::numeric / sum(count(*)) over (partition by t.match_id, t.player_id), 4) as share_of_touches,
    max(changed.source_landed_at) as source_landed_at
from touches as t
inner join changed on t.match_id = changed.match_id
group by t.match_id, t.team_side, t.team, t.player_id, t.player_name, t.x_zone, t.y_zone
