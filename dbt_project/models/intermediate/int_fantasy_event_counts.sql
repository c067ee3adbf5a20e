-- Per match and player, the events the FPL scoring counts: goals, cards, defensive actions,
-- dribbles, passes and the like (periods 1-4; events without a player count for nobody).
with events as (
    select e.*
    from {{ ref('stg_streaming__match_events') }} as e
    where e.period between 1 and 4
)

select
    match_id,
    player_id,
    count(*) filter (where event_type in ('GOAL', 'PENALTY_GOAL')) as goals,
    count(*) filter (where event_type = 'OWN_GOAL') as own_goals,
    count(*) filter (where event_type = 'PENALTY_MISSED') as penalties_missed,
    count(*) filter (where event_type = 'YELLOW_CARD') as yellow_cards,
    count(*) filter (where event_type in ('SECOND_YELLOW', 'RED_CARD')) as red_cards,
    count(*) filter (where event_type = 'CLEARANCE') as clearances,
    count(*) filter (where event_type = 'BLOCK') as blocks,
    count(*) filter (where event_type = 'INTERCEPTION') as interceptions,
    count(*) filter (where event_type = 'TACKLE') as tackles,
    count(*) filter (
        where event_type = 'TACKLE' and outcome = 'WON'
    ) as tackles_won,
    count(*) filter (where event_type = 'BALL_RECOVERY') as recoveries,
    count(*) filter (where event_type = 'DRIBBLE' and outcome = 'COMPLETE') as successful_dribbles,
    count(*) filter (where event_type = 'SHOT' and outcome = 'OFF_TARGET') as shots_off_target,
    count(*) filter (where event_type = 'DISPOSSESSED') as dispossessed,
    count(*) filter (where event_type = 'FOUL_COMMITTED') as fouls_committed,
    count(*) filter (where event_type = 'OFFSIDE') as offsides,
    count(*) filter (where event_type = 'ERROR') as errors_leading_to_shot,
    count(*) filter (where event_type = 'PASS') as passes,
    count(*) filter (where event_type = 'PASS' and outcome = 'COMPLETE') as passes_completed
from events
where player_id is not null
group by match_id, player_id
