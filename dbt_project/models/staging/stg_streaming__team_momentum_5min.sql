select
    match_id,
    team_id,
    team_name as team,
    window_start,
    window_end,
    shots,
    shots_on_target,
    xg,
    passes,
    attacking_actions,
    landed_at
from {{ hot_and_history('team_momentum_5min', key=['match_id', 'team_id', 'window_start']) }}
