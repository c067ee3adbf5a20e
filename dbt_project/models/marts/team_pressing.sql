{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- How hard each team presses, per match, team and 5-minute window of the match clock (added time
-- counts in the period's last window), in the contract's percent coordinates (0 = own goal line):
--   pressures          every PRESSURE of the team, anywhere;
--   defensive_actions  tackles, interceptions, fouls committed and challenges lost (dribbled past)
--                      in the team's attacking 60% (location_x >= 40), PPDA's denominator;
--   opponent_passes    the opponent's passes in its own 60% (its location_x <= 60), the numerator;
--   ppda               opponent passes per defensive action (low = intense pressing), in the window
--                      and over the match so far (null while the team has no defensive action);
--   balls_won_high     ball recoveries and won interceptions within 40 m of the opponent's goal
--                      (location_x >= 62 on a 105 m pitch), StatsBomb's high turnovers by where
--                      the ball was won.
-- PPDA follows Opta's and StatsBomb's definition; fouls with a card are reported as the card by
-- the contract, so they are not counted. Rebuilt by the live loop for the matches landed since
-- its last run: a table, so a dashboard filtered by match reads only that match's rows.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

events as (
    select
        match_id,
        team_side,
        team,
        period,
        event_type,
        outcome,
        location_x,
        {{ clock_window_start('minute', 'period') }} as window_start_minute
    from {{ ref('stg_streaming__match_events') }}
    where team_side is not null and period between 1 and 4 and match_id in (select changed.match_id from changed)
),

teams as (
    select
        match_id,
        team_side,
        max(team) as team
    from events
    group by match_id, team_side
),

counts as (
    select
        match_id,
        period,
        window_start_minute,
        team_side,
        count(*) filter (where event_type = 'PRESSURE') as pressures,
        count(*) filter (
            where event_type in ('TACKLE', 'INTERCEPTION', 'FOUL_COMMITTED', 'DRIBBLED_PAST') and location_x >= 40
        ) as defensive_actions,
        count(*) filter (where event_type = 'PASS' and location_x <= 60) as passes_in_own_60,
        count(*) filter (
            where (event_type = 'BALL_RECOVERY' or (event_type = 'INTERCEPTION' and outcome = 'WON'))
            and location_x >= 62
        ) as balls_won_high
    from events
    group by match_id, period, window_start_minute, team_side
),

windows as (
    select distinct
        match_id,
        period,
        window_start_minute
    from counts
),

team_windows as (
    -- Both teams in every window of the match, with zeros where a team did nothing.
    select
        match_id,
        t.team,
        team_side,
        w.period,
        w.window_start_minute,
        coalesce(c.pressures, 0) as pressures,
        coalesce(c.defensive_actions, 0) as defensive_actions,
        coalesce(c.passes_in_own_60, 0) as passes_in_own_60,
        coalesce(c.balls_won_high, 0) as balls_won_high
    from windows as w
    inner join teams as t using (match_id)
    left join counts as c using (match_id, period, window_start_minute, team_side)
),

with_opponent as (
    select
        *,
        sum(passes_in_own_60) over (partition by match_id, period, window_start_minute)
        - passes_in_own_60 as opponent_passes
    from team_windows
)

select
    o.match_id,
    o.team,
    o.team_side,
    o.period,
    o.window_start_minute,
    o.window_start_minute + 5 as window_end_minute,
    o.pressures,
    o.defensive_actions,
    o.opponent_passes,
    round(o.opponent_passes::numeric / nullif(o.defensive_actions, 0), 2) as ppda,
    round(
        sum(o.opponent_passes) over so_far::numeric / nullif(sum(o.defensive_actions) over so_far, 0), 2
    ) as ppda_so_far,
    o.balls_won_high,
    changed.source_landed_at
from with_opponent as o
inner join changed on o.match_id = changed.match_id
window so_far as (partition by o.match_id, o.team_side order by o.period, o.window_start_minute)
