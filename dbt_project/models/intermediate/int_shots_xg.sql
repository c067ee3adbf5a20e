{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Every shot of every match with our xG next to the provider's xG: a logistic model (coefficients
-- fitted by dbt_project.fitting on StatsBomb shots and seeded) of the location, body part, situation,
-- technique, first time, one on one, open goal, pressure, counter-attack, the kind of key
-- pass, and the defence in the provider's freeze frame. A penalty's xG is the conversion rate
-- of the fitting data's penalties. The features beyond the location are optional in the
-- match-events contract: where a provider does not send them a shot counts as footed open
-- play without context (a penalty is still known from its event type). Locations arrive in
-- percent of the pitch (attacking to 100); the model is in the yards of the 120 x 80 pitch.
-- A table rebuilt match by match (the matches landed since its last run), read by four marts.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

coefficients as (
    {{ seed_values(ref('xg_coefficients'), 'feature', 'coefficient', {
        'intercept': 'b_intercept',
        'distance': 'b_distance',
        'log_distance': 'b_log_distance',
        'angle': 'b_angle',
        'head': 'b_head',
        'other_body_part': 'b_other_body_part',
        'free_kick': 'b_free_kick',
        'corner': 'b_corner',
        'set_piece': 'b_set_piece',
        'head_distance': 'b_head_distance',
        'first_time': 'b_first_time',
        'one_on_one': 'b_one_on_one',
        'open_goal': 'b_open_goal',
        'under_pressure': 'b_under_pressure',
        'from_counter': 'b_from_counter',
        'volley': 'b_volley',
        'unusual_technique': 'b_unusual_technique',
        'no_assist': 'b_no_assist',
        'through_ball': 'b_through_ball',
        'cross': 'b_cross',
        'cut_back': 'b_cut_back',
        'opponents_in_cone': 'b_opponents_in_cone',
        'keeper_out_of_cone': 'b_keeper_out_of_cone',
        'keeper_to_goal': 'b_keeper_to_goal',
        'nearest_opponent': 'b_nearest_opponent',
        'opponent_within_2': 'b_opponent_within_2',
        'keeper_share': 'b_keeper_share',
        'penalty_conversion': 'b_penalty_conversion'
    }) }}
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
        e.location_x * 1.2 as shot_x,
        e.location_y * 0.8 as shot_y,
        {{ shot_distance('e.location_x * 1.2', 'e.location_y * 0.8') }} as distance,
        {{ shot_angle('e.location_x * 1.2', 'e.location_y * 0.8') }} as angle,
        e.shot_technique,
        coalesce(e.is_first_time, false) as is_first_time,
        coalesce(e.is_one_on_one, false) as is_one_on_one,
        coalesce(e.is_open_goal, false) as is_open_goal,
        coalesce(e.is_under_pressure, false) as is_under_pressure,
        e.play_pattern = 'FROM_COUNTER' as is_counter_attack,
        e.assist_type,
        e.opponents_in_cone,
        e.goalkeeper_x * 1.2 as keeper_x,
        e.goalkeeper_y * 0.8 as keeper_y,
        -- metres in the contract, yards in the model
        e.nearest_opponent_distance / 0.9144 as nearest_opponent,
        changed.source_landed_at
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where
        e.event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED')
        and e.period between 1 and 4
        and e.location_x is not null
        and e.location_y is not null
),

shot_features as (
    -- The feature values of dbt_project/fitting/shots.py features(), in the same order.
    select
        shots.*,
        (shots.body_part = 'head')::integer * shots.distance as head_distance,
        (shots.shot_technique in ('VOLLEY', 'HALF_VOLLEY'))::integer as is_volley,
        (shots.shot_technique in ('LOB', 'OVERHEAD_KICK', 'BACKHEEL', 'DIVING_HEADER'))::integer
            as is_unusual_technique,
        (shots.assist_type = 'NONE' and shots.situation != 'free_kick')::integer as is_unassisted,
        -- The freeze-frame features are zero without a frame; a frame without the keeper counts
        -- as a keeper out of the cone, 10 yards or more off the goal.
        case when shots.opponents_in_cone is null then 0 else least(shots.opponents_in_cone, 4) end
            as opponents_in_cone_capped,
        case
            when shots.opponents_in_cone is null then 0
            when shots.keeper_x is null then 1
            when
                {{ in_shot_cone('shots.keeper_x', 'shots.keeper_y', 'shots.shot_x', 'shots.shot_y') }}
                then 0
            else 1
        end as is_keeper_out_of_cone,
        case
            when shots.opponents_in_cone is null then 0
            when shots.keeper_x is null then 10
            else least({{ shot_distance('shots.keeper_x', 'shots.keeper_y') }}, 10)
        end as keeper_to_goal,
        case
            when shots.opponents_in_cone is null then 0 else least(coalesce(shots.nearest_opponent, 5), 5)
        end as nearest_opponent_capped,
        case
            when shots.opponents_in_cone is null then 0 else (coalesce(shots.nearest_opponent, 5) < 2)::integer
        end as is_opponent_within_2,
        case
            when shots.opponents_in_cone is null then 0
            when shots.keeper_x is null then least(shots.distance / greatest(shots.distance, 1), 1.5)
            else least(
                sqrt(
                    power(shots.keeper_x - shots.shot_x, 2)
                    + power(shots.keeper_y - shots.shot_y, 2)
                )
                / greatest(shots.distance, 1),
                1.5
            )
        end as keeper_share
    from shots
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
    s.situation = 'penalty' as is_penalty,
    case when s.situation = 'penalty' then c.b_penalty_conversion else 1.0 / (1.0 + exp(-(
        c.b_intercept
        + c.b_distance * s.distance
        + c.b_log_distance * ln(greatest(s.distance, 0.5))
        + c.b_angle * s.angle
        + c.b_head * (s.body_part = 'head')::integer
        + c.b_other_body_part * (s.body_part = 'other')::integer
        + c.b_free_kick * (s.situation = 'free_kick')::integer
        + c.b_corner * (s.situation = 'corner')::integer
        + c.b_set_piece * (s.situation = 'set_piece')::integer
        + c.b_head_distance * s.head_distance
        + c.b_first_time * s.is_first_time::integer
        + c.b_one_on_one * s.is_one_on_one::integer
        + c.b_open_goal * s.is_open_goal::integer
        + c.b_under_pressure * s.is_under_pressure::integer
        + c.b_from_counter * coalesce(s.is_counter_attack, false)::integer
        + c.b_volley * coalesce(s.is_volley, 0)
        + c.b_unusual_technique * coalesce(s.is_unusual_technique, 0)
        + c.b_no_assist * coalesce(s.is_unassisted, 0)
        + c.b_through_ball * coalesce((s.assist_type = 'THROUGH_BALL')::integer, 0)
        + c.b_cross * coalesce((s.assist_type = 'CROSS')::integer, 0)
        + c.b_cut_back * coalesce((s.assist_type = 'CUT_BACK')::integer, 0)
        + c.b_opponents_in_cone * s.opponents_in_cone_capped
        + c.b_keeper_out_of_cone * s.is_keeper_out_of_cone
        + c.b_keeper_to_goal * s.keeper_to_goal
        + c.b_nearest_opponent * s.nearest_opponent_capped
        + c.b_opponent_within_2 * s.is_opponent_within_2
        + c.b_keeper_share * s.keeper_share
    ))) end as xg
from shot_features as s
cross join coefficients as c
