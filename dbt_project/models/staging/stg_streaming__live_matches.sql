select
    {{ contract_envelope(without=['schema_version']) }},
    status,
    home_team_id,
    home_team_name as home_team,
    away_team_id,
    away_team_name as away_team,
    home_score,
    away_score,
    home_penalty_score as home_penalties,
    away_penalty_score as away_penalties,
    competition_name as competition,
    season_name as season,
    stage,
    kickoff,
    match_date,
    landed_at,
    venue,
    -- Optional: whether the match is played at a neutral venue (no home advantage); absent
    -- from live feeds so far, where the home team is taken to play at home.
    coalesce((raw ->> 'neutral')::boolean, false) as is_neutral_venue,
    coalesce(home_red_cards, 0) as home_red_cards,
    coalesce(away_red_cards, 0) as away_red_cards
from {{ hot_and_history('live_matches') }}
