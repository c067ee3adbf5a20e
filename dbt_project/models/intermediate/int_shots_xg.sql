{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Every shot of every match with our xG next to the provider's xG: a logistic model (coefficients
-- fitted by dbt_project.fitting on StatsBomb shots and seeded) of the location, body part, situation,
-- technique, first time, one on one, open goal, pressure, counter-attack, the kind of key
-- pass, and the defence in the provider's freeze frame, as int_shot_features computes them. A
-- penalty's xG is the conversion rate of the fitting data's penalties.
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
    changed.source_landed_at,
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
from {{ ref('int_shot_features') }} as s
inner join changed on s.match_id = changed.match_id
cross join coefficients as c
