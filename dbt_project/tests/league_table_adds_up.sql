-- Fails for every row of the league table whose results, goals or points do not add up.
select
    competition,
    season,
    group_name,
    team
from {{ ref('league_table') }}
where
    played != won + drawn + lost
    or points != 3 * won + drawn
    or goal_difference != goals_for - goals_against
    or live_matches > played
    or fair_play_points > 0
