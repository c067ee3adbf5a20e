{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Every shot with our xG (logistic model, coefficients fitted by dbt_project.fitting and
-- seeded) next to the provider's xG. Body part, shot type and play pattern are optional in
-- the match-events contract: without them a shot counts as footed open play (a penalty is
-- still known from its event type). Locations arrive in percent of the pitch (attacking to
-- 100); the model is in the yards of the 120 x 80 pitch it was fitted on.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

coefficients as (
    select
        max(case when feature = 'intercept' then coefficient end) as b_intercept,
        max(case when feature = 'distance' then coefficient end) as b_distance,
        max(case when feature = 'log_distance' then coefficient end) as b_log_distance,
        max(case when feature = 'angle' then coefficient end) as b_angle,
        max(case when feature = 'head' then coefficient end) as b_head,
        max(case when feature = 'other_body_part' then coefficient end) as b_other_body_part,
        max(case when feature = 'penalty' then coefficient end) as b_penalty,
        max(case when feature = 'free_kick' then coefficient end) as b_free_kick,
        max(case when feature = 'corner' then coefficient end) as b_corner,
        max(case when feature = 'set_piece' then coefficient end) as b_set_piece
    from {{ ref('xg_coefficients') }}
),

shots as (
    select
        e.event_id,
        e.match_id,
        e.period,
        e.minute,
        e.second,
        e.sequence,
        e.team,
        e.team_side,
        e.player_id,
        e.player_name,
        e.location_x,
        e.location_y,
        e.provider_xg,
        e.outcome,
        e.event_type in ('GOAL', 'PENALTY_GOAL') as is_goal,
        {{ shot_body_part('e.body_part') }} as body_part,
        {{ shot_situation('e.event_type', 'e.shot_type', 'e.play_pattern') }} as situation,
        {{ shot_distance('e.location_x * 1.2', 'e.location_y * 0.8') }} as distance,
        {{ shot_angle('e.location_x * 1.2', 'e.location_y * 0.8') }} as angle,
        changed.source_landed_at
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where
        e.event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED')
        and e.period between 1 and 4
        and e.location_x is not null
        and e.location_y is not null
)

select
    shots.event_id,
    shots.match_id,
    shots.period,
    shots.minute,
    shots.second,
    shots.sequence,
    shots.team,
    shots.team_side,
    shots.player_id,
    shots.player_name,
    shots.location_x,
    shots.location_y,
    shots.distance,
    shots.angle,
    shots.body_part,
    shots.situation,
    shots.outcome,
    shots.is_goal,
    shots.provider_xg,
    shots.source_landed_at,
    shots.situation = 'penalty' as is_penalty,
    1.0 / (1.0 + exp(-(
        c.b_intercept
        + c.b_distance * shots.distance
        + c.b_log_distance * ln(greatest(shots.distance, 0.5))
        + c.b_angle * shots.angle
        + c.b_head * (shots.body_part = 'head')::integer
        + c.b_other_body_part * (shots.body_part = 'other')::integer
        + c.b_penalty * (shots.situation = 'penalty')::integer
        + c.b_free_kick * (shots.situation = 'free_kick')::integer
        + c.b_corner * (shots.situation = 'corner')::integer
        + c.b_set_piece * (shots.situation = 'set_piece')::integer
    ))) as xg
from shots
cross join coefficients as c
