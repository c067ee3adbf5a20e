-- Every shot with our xG (logistic model, coefficients fitted by dbt_project.fitting and
-- seeded) next to the provider's xG. The match-events contract carries no body part or
-- play pattern yet, so shots count as footed open play unless they are penalties.
-- Locations arrive in percent of the pitch (attacking to 100); the model is in the yards of
-- the 120 x 80 pitch it was fitted on.
with coefficients as (
    select
        max(case when feature = 'intercept' then coefficient end) as b_intercept,
        max(case when feature = 'distance' then coefficient end) as b_distance,
        max(case when feature = 'log_distance' then coefficient end) as b_log_distance,
        max(case when feature = 'angle' then coefficient end) as b_angle,
        max(case when feature = 'penalty' then coefficient end) as b_penalty
    from {{ ref('xg_coefficients') }}
),

shots as (
    select
        event_id,
        match_id,
        period,
        minute,
        second,
        team,
        team_side,
        player_id,
        player_name,
        location_x,
        location_y,
        provider_xg,
        event_type in ('GOAL', 'PENALTY_GOAL') as is_goal,
        event_type in ('PENALTY_GOAL', 'PENALTY_MISSED') as is_penalty,
        {{ shot_distance('location_x * 1.2', 'location_y * 0.8') }} as distance,
        {{ shot_angle('location_x * 1.2', 'location_y * 0.8') }} as angle
    from {{ ref('stg_streaming__match_events') }}
    where
        event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED')
        and period between 1 and 4
        and location_x is not null
        and location_y is not null
)

select
    shots.event_id,
    shots.match_id,
    shots.period,
    shots.minute,
    shots.second,
    shots.team,
    shots.team_side,
    shots.player_id,
    shots.player_name,
    shots.location_x,
    shots.location_y,
    shots.distance,
    shots.angle,
    shots.is_penalty,
    shots.is_goal,
    shots.provider_xg,
    1.0 / (1.0 + exp(-(
        c.b_intercept
        + c.b_distance * shots.distance
        + c.b_log_distance * ln(greatest(shots.distance, 0.5))
        + c.b_angle * shots.angle
        + c.b_penalty * shots.is_penalty::integer
    ))) as xg
from shots
cross join coefficients as c
