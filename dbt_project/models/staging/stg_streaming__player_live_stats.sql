select
    {{ contract_envelope(without=['second', 'added_time']) }},
    {{ running_stats_envelope() }},
    player_id,
    player_name,
    -- From the provider's line-up (version 2), in fantasy terms; null where it gives none.
    position as provider_position,
    shirt_number,
    shots,
    shots_on_target,
    goals,
    assists,
    passes,
    passes_completed,
    pass_accuracy,
    tackles,
    interceptions,
    xg,
    minutes_played,
    yellow_cards,
    red_cards,
    landed_at
from {{ hot_and_history('player_live_stats') }}
