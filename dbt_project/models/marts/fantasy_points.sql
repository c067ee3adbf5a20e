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

-- The points of each group of scoring rules, 0 where it scores none; the total adds the bonus.
{% set breakdown = [
    'b.minutes_points', 'b.goal_points', 'b.assist_points', 'b.clean_sheet_points', 'b.save_points',
    'b.penalty_points', 'b.goals_conceded_points', 'b.card_points', 'b.own_goal_points',
    'b.defensive_contribution_points'
] %}
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
    {{ zero_if_missing(breakdown) }},
    {% for points in breakdown -%}
        {{ '+ ' if not loop.first }}coalesce({{ points }}, 0)
    {% endfor -%}
    + bp.bonus as total_points
from {{ ref('int_fantasy_actions') }} as c
inner join changed as ch on c.match_id = ch.match_id
left join points as b on c.match_id = b.match_id and c.player_id = b.player_id
left join bonus as bp on c.match_id = bp.match_id and c.player_id = bp.player_id
