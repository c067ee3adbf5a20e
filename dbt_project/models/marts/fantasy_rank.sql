{{ config(materialized='view') }}

-- Every player of a matchday ranked by fantasy points, overall and within his position: the live
-- rank of the matchday's Fantasy Premier League points (fantasy_points' total_points, bonus
-- included). A matchday is the matches of one competition and season on the same date. Players
-- who took part (minutes > 0) are ranked; a match under way counts with its points so far. Ties
-- share a rank and the next rank skips (rank(): 1, 2, 2, 4), as FPL's own tables do.
with match_days as (
    select * from {{ ref('int_match_info') }}
)

select
    m.competition,
    m.season,
    m.match_date,
    f.match_id,
    f.player_id,
    f.player_name,
    f.team,
    f.position,
    f.minutes_played,
    f.total_points,
    rank() over (
        partition by m.competition, m.season, m.match_date
        order by f.total_points desc
    ) as rank_overall,
    rank() over (
        partition by m.competition, m.season, m.match_date, f.position
        order by f.total_points desc
    ) as rank_in_position
from {{ ref('fantasy_points') }} as f
inner join match_days as m on f.match_id = m.match_id
where f.minutes_played > 0
