{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- The xG race: per match, team and minute of the match clock from 0 to the match's last minute
-- so far, the xG of the team's shots up to and including that minute (ours and the provider's,
-- the figures of shot_xg, from the same int_shots_xg) and its goals so far, the minute's goals
-- marked, so a chart draws both teams as step lines with the goals on them. Minutes are the
-- contract's elapsed minutes, capped at the end of the period (45, 90, 105, 120): added time
-- counts in the period's last minute, and minute m covers m:00 to m:59 (the broadcaster's m+1').
-- A table rebuilt match by match like the marts it sits beside: the dashboard reads ~200 rows
-- per match instead of summing shots per minute on every refresh.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

events as (
    select
        e.match_id,
        e.period,
        e.minute,
        e.sequence,
        e.event_type,
        e.team,
        e.team_side,
        e.player_name,
        e.home_score,
        e.away_score
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where e.period between 1 and 4
),

teams as (
    select
        match_id,
        team_side,
        max(team) as team
    from events
    where team_side is not null
    group by match_id, team_side
),

match_length as (
    select
        match_id,
        max(minute)::integer as last_minute
    from events
    group by match_id
),

minutes as (
    -- Both teams in every minute, so each line has a step per minute.
    select
        t.match_id,
        t.team_side,
        t.team,
        m.minute
    from teams as t
    inner join match_length as l on t.match_id = l.match_id
    cross join lateral generate_series(0, l.last_minute) as m (minute)
),

shots as (
    select
        match_id,
        team_side,
        minute,
        count(*) as shots,
        sum(xg) as xg,
        sum(provider_xg) as provider_xg
    from {{ ref('int_shots_xg') }}
    where match_id in (select changed.match_id from changed) and team_side is not null
    group by match_id, team_side, minute
),

measured as (
    -- A feed with shots but none yet is 0 xG; a feed without shots (a live provider's) or
    -- without the provider's xG says nothing: null, as in win_probability.
    select
        match_id,
        count(*) > 0 as has_shots,
        bool_or(provider_xg is not null) as has_provider_xg
    from shots
    group by match_id
),

goal_events as (
    -- The goals for the team credited: an own goal is filed under the scorer's team, so it
    -- counts for the opponent.
    select
        match_id,
        period,
        sequence,
        minute,
        case
            when event_type != 'OWN_GOAL' then team_side
            when team_side = 'home' then 'away'
            else 'home'
        end as credited_side,
        player_name || case event_type when 'PENALTY_GOAL' then ' (pen)' when 'OWN_GOAL' then ' (og)' else '' end
            as scorer
    from events
    where event_type in ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL') and team_side is not null
),

goals as (
    select
        match_id,
        credited_side,
        minute,
        count(*) as goals,
        string_agg(scorer, ', ' order by period, sequence) as goal_scorers
    from goal_events
    group by match_id, credited_side, minute
),

scores_from as (
    -- The score the feed gives after each goal or VAR decision, from the clock it reached until
    -- the next one moves the clock on (an event filed under an earlier minute than the ones before
    -- it, a data slip, cannot move the score back): a goal cancelled by VAR lowers goals_so_far
    -- again, as on the scoreboard.
    select
        match_id,
        clock_so_far,
        home_score,
        away_score,
        lead(clock_so_far) over (partition by match_id order by period, sequence) as next_clock
    from (
        select
            match_id,
            period,
            sequence,
            home_score,
            away_score,
            max(minute) over (
                partition by match_id order by period, sequence rows between unbounded preceding and current row
            ) as clock_so_far
        from events
        where event_type in ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL', 'GOAL_CANCELLED', 'VAR')
    ) as scoring
),

race as (
    select
        mi.match_id,
        mi.team_side,
        mi.team,
        mi.minute,
        case when me.has_shots then coalesce(sum(s.xg) over so_far, 0) end as xg_so_far,
        case when me.has_provider_xg then coalesce(sum(s.provider_xg) over so_far, 0) end as provider_xg_so_far,
        coalesce(sum(s.shots) over so_far, 0)::bigint as shots_so_far,
        coalesce(g.goals, 0) as goals_in_minute,
        g.goal_scorers
    from minutes as mi
    left join shots as s on mi.match_id = s.match_id and mi.team_side = s.team_side and mi.minute = s.minute
    left join measured as me on mi.match_id = me.match_id
    left join goals as g on mi.match_id = g.match_id and mi.team_side = g.credited_side and mi.minute = g.minute
    window so_far as (partition by mi.match_id, mi.team_side order by mi.minute)
)

select
    r.match_id,
    r.team_side,
    r.team,
    r.minute,
    r.xg_so_far,
    r.provider_xg_so_far,
    r.shots_so_far,
    -- The score after the last goal or VAR decision up to the minute (the latest of a minute
    -- that holds several: the range ends where the next one's minute begins).
    coalesce(case when r.team_side = 'home' then sc.home_score else sc.away_score end, 0) as goals_so_far,
    r.goals_in_minute,
    r.goal_scorers,
    c.source_landed_at
from race as r
inner join changed as c on r.match_id = c.match_id
left join scores_from as sc
    on
        r.match_id = sc.match_id
        and r.minute >= sc.clock_so_far
        and r.minute < coalesce(sc.next_clock, 2147483647)
        and sc.clock_so_far < coalesce(sc.next_clock, 2147483647)
