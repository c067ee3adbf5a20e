-- Every shot of every match (periods 1-4, with a pitch location) with the features of our xG
-- model, int_shots_xg: those of dbt_project/fitting/shots.py features(), in the same order. The
-- features beyond the location are optional in the match-events contract: where a provider does
-- not send them a shot counts as footed open play without context (a penalty is still known from
-- its event type). Locations arrive in percent of the pitch (attacking to 100); the model is in
-- the yards of the 120 x 80 pitch. A view on the staging events: int_shots_xg reads the shots of
-- the matches it rebuilds.
with shots as (
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
        e.nearest_opponent_distance / 0.9144 as nearest_opponent
    from {{ ref('stg_streaming__match_events') }} as e
    where
        e.event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED')
        and e.period between 1 and 4
        and e.location_x is not null
        and e.location_y is not null
)

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
