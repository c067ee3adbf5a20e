{{ config(materialized='view') }}

-- Who is on top in real time: the landing job's 5-minute windows of event time (counted as each
-- event first lands, late ones too), each team beside its opponent. A window where one team did
-- nothing still has its row, with zeros. A view on the staging view, so as fresh as the landed
-- windows, without the live loop.
with windows as (
    select * from {{ ref('stg_streaming__team_momentum_5min') }}
),

teams as (
    select
        match_id,
        team_id,
        max(team) as team
    from windows
    group by match_id, team_id
),

match_windows as (
    select distinct
        match_id,
        window_start,
        window_end
    from windows
),

both_teams as (
    -- Every team of the match in every window of the match.
    select
        match_id,
        team_id,
        t.team,
        window_start,
        mw.window_end,
        {{ zero_if_missing(['w.shots', 'w.shots_on_target', 'w.xg', 'w.passes', 'w.attacking_actions']) }}
    from match_windows as mw
    inner join teams as t using (match_id)
    left join windows as w using (match_id, team_id, window_start)
),

with_opponent as (
    select
        *,
        sum(attacking_actions) over same_window - attacking_actions as opponent_attacking_actions,
        sum(shots) over same_window - shots as opponent_shots,
        sum(xg) over same_window - xg as opponent_xg,
        min(window_start) over (partition by match_id) as first_window_start,
        max(window_start) over (partition by match_id) as last_window_start
    from both_teams
    window same_window as (partition by match_id, window_start)
)

select
    match_id,
    team_id,
    team,
    window_start,
    window_end,
    (extract(epoch from window_start - first_window_start) / 60)::integer as minutes_since_first_window,
    window_start = last_window_start as is_latest_window,
    shots,
    shots_on_target,
    xg,
    passes,
    attacking_actions,
    opponent_attacking_actions,
    opponent_shots,
    opponent_xg,
    case
        when attacking_actions + opponent_attacking_actions > 0
            then round(100.0 * attacking_actions / (attacking_actions + opponent_attacking_actions), 1)
    end as pressure_share
from with_opponent
