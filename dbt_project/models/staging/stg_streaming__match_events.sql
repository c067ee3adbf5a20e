select
    {{ contract_envelope(without=['schema_version']) }},
    event_type,
    provider_event_type,
    team_id,
    team_name as team,
    team_side,
    player_id,
    player_name,
    assist_player_id,
    assist_player_name,
    replacement_player_id,
    replacement_player_name,
    location_x,
    location_y,
    xg as provider_xg,
    outcome,
    -- Optional fields the contract allows beyond its columns (additionalProperties): read
    -- from the landed message itself, null where the provider does not send them.
    raw ->> 'body_part' as body_part,
    raw ->> 'shot_type' as shot_type,
    raw ->> 'play_pattern' as play_pattern,
    raw ->> 'shot_technique' as shot_technique,
    (raw ->> 'first_time')::boolean as is_first_time,
    (raw ->> 'one_on_one')::boolean as is_one_on_one,
    (raw ->> 'open_goal')::boolean as is_open_goal,
    (raw ->> 'under_pressure')::boolean as is_under_pressure,
    raw ->> 'assist_type' as assist_type,
    (raw ->> 'opponents_in_cone')::integer as opponents_in_cone,
    (raw ->> 'goalkeeper_x')::double precision as goalkeeper_x,
    (raw ->> 'goalkeeper_y')::double precision as goalkeeper_y,
    (raw ->> 'nearest_opponent_distance')::double precision as nearest_opponent_distance,
    home_score,
    away_score,
    -- Null, or how the message went beyond its contract (e.g. "unknown event_type VAR_REVIEW"):
    -- such rows are kept; the marts pick the event types they know, so a new type changes no mart.
    schema_drift,
    landed_at
from {{ hot_and_history('match_events') }}
