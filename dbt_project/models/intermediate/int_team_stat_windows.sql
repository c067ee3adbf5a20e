-- Per match without event-level detail (macro matches_without_event_detail: a live provider's),
-- team, period and 5-minute window of the match clock (added time counts in the period's last
-- window): how much the provider's cumulative team-live-stats grew between successive polls,
-- credited to the window of the later poll, and the mean possession of the window's polls.
-- A figure the team's provider never measured in the match is null in every window, never 0;
-- a measured one is 0 in a window without a poll of that team. team_momentum reads it.
with without_event_detail as (
    {{ matches_without_event_detail() }}
),

polls as (
    select
        s.match_id,
        s.team_side,
        s.team,
        s.period,
        {{ clock_window_start('s.minute', 's.period') }} as window_start_minute,
        s.shots - coalesce(lag(s.shots) over by_poll, 0) as shots,
        s.shots_on_target - coalesce(lag(s.shots_on_target) over by_poll, 0) as shots_on_target,
        s.xg - coalesce(lag(s.xg) over by_poll, 0) as xg,
        s.corners - coalesce(lag(s.corners) over by_poll, 0) as corners,
        s.passes - coalesce(lag(s.passes) over by_poll, 0) as passes,
        s.possession
    from {{ ref('stg_streaming__team_live_stats') }} as s
    inner join without_event_detail as m on s.match_id = m.match_id
    window by_poll as (partition by s.match_id, s.team_side order by s.is_final, s.sequence, s.recorded_at)
),

-- Which figures each team's provider measures in the match (any poll with a number).
teams as (
    select
        match_id,
        team_side,
        max(team) as team,
        bool_or(shots is not null) as measures_shots,
        bool_or(shots_on_target is not null) as measures_shots_on_target,
        bool_or(xg is not null) as measures_xg,
        bool_or(corners is not null) as measures_corners,
        bool_or(passes is not null) as measures_passes
    from polls
    group by match_id, team_side
),

windows as (
    select distinct
        match_id,
        period,
        window_start_minute
    from polls
    where period between 1 and 4
),

increases as (
    select
        match_id,
        team_side,
        period,
        window_start_minute,
        sum(shots) as shots,
        sum(shots_on_target) as shots_on_target,
        sum(xg) as xg,
        sum(corners) as corners,
        sum(passes) as passes,
        avg(possession) as possession
    from polls
    where period between 1 and 4
    group by match_id, team_side, period, window_start_minute
)

select
    w.match_id,
    t.team,
    t.team_side,
    w.period,
    w.window_start_minute,
    (case when t.measures_shots then coalesce(i.shots, 0) end)::bigint as shots,
    (case when t.measures_shots_on_target then coalesce(i.shots_on_target, 0) end)::bigint as shots_on_target,
    case when t.measures_xg then coalesce(i.xg, 0) end as xg,
    (case when t.measures_corners then coalesce(i.corners, 0) end)::bigint as corners,
    (case when t.measures_passes then coalesce(i.passes, 0) end)::bigint as passes,
    i.possession::numeric as possession
from windows as w
inner join teams as t using (match_id)
left join increases as i using (match_id, period, window_start_minute, team_side)
