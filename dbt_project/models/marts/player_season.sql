{{ config(materialized='view') }}

-- Each player's season in a competition: the sums of the per-match marts player_performance
-- (minutes, goals, assists, our xG) and fantasy_points (total points), over every match the player
-- played in (minutes > 0), all stages, live matches with their figures so far. It reads those marts
-- rather than their intermediate models so that a season is, figure for figure, the sum of the
-- matches the dashboards show. The team is the one of the player's latest match.
with match_seasons as (
    select * from {{ ref('int_match_info') }}
),

played as (
    select
        m.competition,
        m.season,
        p.player_id,
        p.player_name,
        p.team,
        p.minutes_played,
        p.goals,
        p.assists,
        p.model_xg,
        f.total_points,
        row_number() over (
            partition by m.competition, m.season, p.player_id
            order by m.match_date desc nulls last, p.match_id desc
        ) as recency
    from {{ ref('player_performance') }} as p
    inner join match_seasons as m on p.match_id = m.match_id
    left join {{ ref('fantasy_points') }} as f on p.match_id = f.match_id and p.player_id = f.player_id
    where p.minutes_played > 0
)

select
    competition,
    season,
    player_id,
    min(player_name) filter (where recency = 1) as player_name,
    min(team) filter (where recency = 1) as team,
    count(*) as appearances,
    sum(minutes_played)::bigint as minutes,
    sum(goals)::bigint as goals,
    sum(assists)::bigint as assists,
    sum(model_xg) as xg,
    sum(total_points) as fantasy_points
from played
group by competition, season, player_id
