{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Fantasy Premier League 2025/26 points per match and player, with the breakdown, from the
-- match events. Points per action come from the seed fantasy_scoring_rules and the bonus
-- points system from fantasy_bps_rules; nothing about the scoring is written here.
-- The counts are int_fantasy_actions', the points int_fantasy_points_by_rule's and the bonus
-- int_fantasy_bps'; this mart puts them together for the matches landed since its last run.
with changed as (
    {{ changed_matches([ref('stg_streaming__player_live_stats'), ref('stg_streaming__match_events')]) }}
),

points as (
    {{ rows_of_changed_matches(ref('int_fantasy_points_by_rule')) }}
),

bonus as (
    {{ rows_of_changed_matches(ref('int_fantasy_bps')) }}
)

select
    c.match_id,
    c.player_id,
    c.player_name,
    c.team,
    c.position,
    c.position_known,
    c.minutes_played,
    c.goals,
    c.assists,
    c.goals_conceded,
    c.saves,
    c.clearances_blocks_interceptions_tackles,
    c.recoveries,
    bp.bps,
    bp.bonus as bonus_points,
    ch.source_landed_at,
    coalesce(b.minutes_points, 0) as minutes_points,
    coalesce(b.goal_points, 0) as goal_points,
    coalesce(b.assist_points, 0) as assist_points,
    coalesce(b.clean_sheet_points, 0) as clean_sheet_points,
    coalesce(b.save_points, 0) as save_points,
    coalesce(b.penalty_points, 0) as penalty_points,
    coalesce(b.goals_conceded_points, 0) as goals_conceded_points,
    coalesce(b.card_points, 0) as card_points,
    coalesce(b.own_goal_points, 0) as own_goal_points,
    coalesce(b.defensive_contribution_points, 0) as defensive_contribution_points,
    coalesce(b.minutes_points, 0) + coalesce(b.goal_points, 0) + coalesce(b.assist_points, 0)
    + coalesce(b.clean_sheet_points, 0) + coalesce(b.save_points, 0) + coalesce(b.penalty_points, 0)
    + coalesce(b.goals_conceded_points, 0) + coalesce(b.card_points, 0) + coalesce(b.own_goal_points, 0)
    + coalesce(b.defensive_contribution_points, 0) + bp.bonus as total_points
from {{ ref('int_fantasy_actions') }} as c
inner join changed as ch on c.match_id = ch.match_id
left join points as b on c.match_id = b.match_id and c.player_id = b.player_id
left join bonus as bp on c.match_id = bp.match_id and c.player_id = bp.player_id
