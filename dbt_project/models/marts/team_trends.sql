{{ config(materialized='view') }}

-- Statistical trends next to momentum: per match, team and 5-minute window of the match clock,
-- team_momentum's shots, xG and possession in the window, the same over the team's last N
-- windows up to and including it (dbt var trend_windows, default 3: the last quarter of an hour)
-- and the change against the N windows before those. The window figures are team_momentum's, not
-- counted again: over N windows, possession is the same share of passes as in one window
-- (100 * the team's passes / both teams' passes), or, for a match read from the provider's team
-- statistics (no attacking actions there), the mean of the windows' reported possession. Fewer
-- than N windows so far: the figures of those there are (windows_in_trend says how many); the
-- changes stay null until 2N windows have been played. A view on team_momentum, a table the live
-- loop rebuilds: as fresh as it is.
{#- At least one window: a trend over none is no trend. -#}
{% set n = [var('trend_windows', 3) | int, 1] | max %}

with momentum as (
    select
        m.*,
        m.attacking_actions is null as from_team_stats,
        sum(m.passes) over (partition by m.match_id, m.period, m.window_start_minute) as both_teams_passes,
        row_number() over (partition by m.match_id, m.team_side order by m.period, m.window_start_minute)
            as window_number
    from {{ ref('team_momentum') }} as m
),

trends as (
    select
        *,
        count(*) over last_n as windows_in_trend,
        (sum(shots) over last_n)::bigint as shots_last_n,
        sum(xg) over last_n as xg_last_n,
        sum(passes) over last_n as passes_last_n,
        sum(both_teams_passes) over last_n as both_teams_passes_last_n,
        avg(possession) over last_n as mean_possession_last_n,
        (sum(shots) over previous_n)::bigint as shots_previous_n,
        sum(xg) over previous_n as xg_previous_n,
        sum(passes) over previous_n as passes_previous_n,
        sum(both_teams_passes) over previous_n as both_teams_passes_previous_n,
        avg(possession) over previous_n as mean_possession_previous_n
    from momentum
    window
        by_window as (partition by match_id, team_side order by period, window_start_minute),
        last_n as (by_window rows between {{ n - 1 }} preceding and current row),
        previous_n as (by_window rows between {{ 2 * n - 1 }} preceding and {{ n }} preceding)
),

shares as (
    select
        *,
        case
            when from_team_stats then mean_possession_last_n
            else 100.0 * passes_last_n / nullif(both_teams_passes_last_n, 0)
        end as possession_last_n,
        case
            when from_team_stats then mean_possession_previous_n
            else 100.0 * passes_previous_n / nullif(both_teams_passes_previous_n, 0)
        end as possession_previous_n
    from trends
)

select
    match_id,
    team,
    team_side,
    period,
    window_start_minute,
    window_end_minute,
    window_number,
    shots,
    xg,
    possession,
    momentum_index,
    windows_in_trend,
    shots_last_n,
    xg_last_n,
    possession_last_n,
    case when window_number >= {{ 2 * n }} then shots_last_n - shots_previous_n end as shots_change,
    case when window_number >= {{ 2 * n }} then xg_last_n - xg_previous_n end as xg_change,
    case when window_number >= {{ 2 * n }} then possession_last_n - possession_previous_n end as possession_change
from shares
