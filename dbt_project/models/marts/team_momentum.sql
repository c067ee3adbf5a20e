{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Who is on top, per match, team and 5-minute window of the match clock (added time counts
-- in the period's last window): shots, xG (ours), attacking actions, pressing and the share
-- of passes, weighted by the seed momentum_weights into a pressure score, then the
-- difference to the opponent's score smoothed over the earlier windows. The momentum index
-- is positive while the team dominates; the opponent's is its negative.
-- A match without event-level shots or passes (a live provider's, macro
-- matches_without_event_detail) is read from int_team_stat_windows instead: the window's
-- increases of the provider's team statistics, and
--   pressure_score = w_xg * xg + w_shots * shots + w_shots_on_target * shots_on_target
--                    + w_corners * corners + w_possession * (possession - 50),
-- a figure the provider does not measure adding nothing (its column stays null, never 0;
-- attacking actions and pressures are always null there). The index is smoothed alike.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events'), ref('stg_streaming__team_live_stats')]) }}
),

without_event_detail as (
    {{ matches_without_event_detail() }}
),

weights as (
    {{ seed_values(ref('momentum_weights'), 'indicator', 'weight', {
        'xg': 'w_xg',
        'shots': 'w_shots',
        'attacking_actions': 'w_attacking',
        'pressures': 'w_pressures',
        'possession': 'w_possession',
        'shots_on_target': 'w_shots_on_target',
        'corners': 'w_corners',
        'decay': 'decay'
    }) }}
),

teams as (
    select distinct
        e.match_id,
        e.team_side,
        e.team
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where e.team_side is not null and e.period between 1 and 4
),

events as (
    select
        e.match_id,
        e.team_side,
        e.period,
        e.event_type,
        e.location_x,
        {{ clock_window_start('e.minute', 'e.period') }} as window_start_minute
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where e.team_side is not null and e.period between 1 and 4
),

shots as (
    select
        match_id,
        team_side,
        period,
        {{ clock_window_start('minute', 'period') }} as window_start_minute,
        count(*) as shots,
        sum(xg) as xg
    from {{ ref('int_shots_xg') }}
    where match_id in (select changed.match_id from changed)
    group by match_id, team_side, period, window_start_minute
),

windows as (
    select distinct
        match_id,
        period,
        window_start_minute
    from events
    where match_id not in (select without_event_detail.match_id from without_event_detail)
),

per_team as (
    select
        w.match_id,
        w.period,
        w.window_start_minute,
        t.team_side,
        t.team,
        {{ zero_if_missing(['s.shots', 's.xg']) }},
        count(e.event_type) filter (
            where e.event_type in ('PASS', 'CARRY', 'DRIBBLE', 'SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED')
            and e.location_x >= 200.0 / 3
        ) as attacking_actions,
        count(e.event_type) filter (where e.event_type = 'PRESSURE' and e.location_x >= 50) as pressures,
        count(e.event_type) filter (where e.event_type = 'PASS') as passes
    from windows as w
    inner join teams as t on w.match_id = t.match_id
    left join events as e
        on
            w.match_id = e.match_id
            and w.period = e.period
            and w.window_start_minute = e.window_start_minute
            and t.team_side = e.team_side
    left join shots as s
        on
            w.match_id = s.match_id
            and w.period = s.period
            and w.window_start_minute = s.window_start_minute
            and t.team_side = s.team_side
    group by w.match_id, w.period, w.window_start_minute, t.team_side, t.team, s.shots, s.xg
),

scored_from_events as (
    select
        p.*,
        100.0 * p.passes / nullif(sum(p.passes) over (partition by p.match_id, p.period, p.window_start_minute), 0)
            as possession,
        row_number() over (partition by p.match_id, p.team_side order by p.period, p.window_start_minute)
            as window_number,
        wt.w_xg * p.xg + wt.w_shots * p.shots + wt.w_attacking * p.attacking_actions
        + wt.w_pressures * p.pressures
        -- A window without a pass of either side (a live provider's feed has no passes) tells
        -- nothing of possession: its term is 0, not unknown, and possession stays null.
        + wt.w_possession * coalesce(
            100.0 * p.passes / nullif(sum(p.passes) over (partition by p.match_id, p.period, p.window_start_minute), 0)
            - 50,
            0
        ) as pressure_score
    from per_team as p
    cross join weights as wt
),

scored_from_stats as (
    select
        t.match_id,
        t.period,
        t.window_start_minute,
        t.team_side,
        t.team,
        t.shots,
        t.xg,
        null::bigint as attacking_actions,
        null::bigint as pressures,
        t.passes,
        t.possession,
        row_number() over (partition by t.match_id, t.team_side order by t.period, t.window_start_minute)
            as window_number,
        wt.w_xg * coalesce(t.xg, 0) + wt.w_shots * coalesce(t.shots, 0)
        + wt.w_shots_on_target * coalesce(t.shots_on_target, 0) + wt.w_corners * coalesce(t.corners, 0)
        + wt.w_possession * coalesce(t.possession - 50, 0) as pressure_score
    from {{ ref('int_team_stat_windows') }} as t
    cross join weights as wt
    where t.match_id in (select changed.match_id from changed)
),

scored as (
    select * from scored_from_events
    union all
    select * from scored_from_stats
),

versus as (
    select
        s.*,
        s.pressure_score - o.pressure_score as pressure_difference
    from scored as s
    inner join scored as o
        on
            s.match_id = o.match_id
            and s.period = o.period
            and s.window_start_minute = o.window_start_minute
            and s.team_side != o.team_side
)

select
    v.match_id,
    v.team,
    v.team_side,
    v.period,
    v.window_start_minute,
    v.window_start_minute + 5 as window_end_minute,
    v.shots,
    v.xg,
    v.attacking_actions,
    v.pressures,
    v.passes,
    v.possession,
    v.pressure_score,
    -- Exponentially weighted mean of the differences so far: the newest window counts 1,
    -- the one before `decay`, then decay^2, ...
    (
        select
            sum(h.pressure_difference * power(wt.decay, v.window_number - h.window_number))
            / sum(power(wt.decay, v.window_number - h.window_number))
        from versus as h
        where
            h.match_id = v.match_id
            and h.team_side = v.team_side
            and h.window_number <= v.window_number
    ) as momentum_index,
    c.source_landed_at
from versus as v
cross join weights as wt
inner join changed as c on v.match_id = c.match_id
