{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Every shot with our xG next to the provider's xG, for the matches landed since the last run:
-- the shots and their xG are int_shots_xg's (its header describes the model).
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
)

select
    s.event_id,
    s.match_id,
    s.period,
    s.minute,
    s.second,
    s.sequence,
    s.team,
    s.team_side,
    s.player_id,
    s.player_name,
    s.location_x,
    s.location_y,
    s.distance,
    s.angle,
    s.body_part,
    s.situation,
    s.shot_technique,
    s.is_first_time,
    s.is_one_on_one,
    s.is_under_pressure,
    s.assist_type,
    s.opponents_in_cone,
    s.outcome,
    s.is_goal,
    s.provider_xg,
    s.source_landed_at,
    s.is_penalty,
    s.xg
from {{ ref('int_shots_xg') }} as s
where s.match_id in (select changed.match_id from changed)
