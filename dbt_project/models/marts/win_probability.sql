-- In-play win probability per match and minute: independent Poisson goals over the time
-- left. Each team's expected goals come from the teams' Elo ratings at kick-off (team_ratings,
-- which learns from every finished match) and the parameters fitted by dbt_project.fitting,
-- and are then moved by what the match has shown so far:
--   - red cards: each player sent off multiplies his team's remaining scoring rate by
--     red_card_own and the opponent's by red_card_opponent;
--   - live xG: where the feed has shots, a team's rate for the time left is its pre-match rate
--     x (a + its xG so far) / (a + the xG its pre-match rate expected so far), a = xg_shrinkage
--     (pseudo-goals of the pre-match expectation; no shots in the feed leave the rate as it is).
-- The forecast is the result at the end of the phase being played: 90 minutes, then 120 once
-- extra time has started. Home advantage applies unless the venue is known to be neutral.
-- Also per minute: the expected final score and the next goal (home, away or none).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

with changed as (
    {{ changed_matches([ref('stg_streaming__match_events'), ref('stg_streaming__live_matches')]) }}
),

parameters as (
    {{ seed_values(ref('win_probability_parameters'), 'parameter', 'value', {
        'intercept': 'intercept',
        'elo': 'elo',
        'home': 'home',
        'away': 'away',
        'extra_time_factor': 'extra_time_factor',
        'max_goals': 'max_goals::integer',
        'red_card_own': 'red_card_own',
        'red_card_opponent': 'red_card_opponent',
        'xg_shrinkage': 'xg_shrinkage'
    }) }}
),

rated as (
    -- The ratings as they stood at kick-off.
    select
        r.match_id,
        r.is_neutral_venue,
        r.home_rating - r.away_rating as rating_difference
    from {{ ref('int_team_ratings') }} as r
    where r.match_id in (select changed.match_id from changed)
),

sent_off as (
    select
        match_id,
        minute,
        team_side
    from {{ ref('stg_streaming__match_events') }}
    where
        event_type in ('RED_CARD', 'SECOND_YELLOW')
        and period between 1 and 4
        and team_side is not null
        and match_id in (select changed.match_id from changed)
),

shots as (
    select
        match_id,
        minute,
        team_side,
        xg
    from {{ ref('int_shots_xg') }}
    where match_id in (select changed.match_id from changed) and team_side is not null
),

events as (
    select
        match_id,
        period,
        minute,
        sequence,
        home_score,
        away_score,
        -- The match clock reached so far in the provider's order: an event filed under an
        -- earlier minute than the ones before it (a data slip) cannot move the score back.
        max(minute) over (
            partition by match_id order by period, sequence rows between unbounded preceding and current row
        ) as clock_so_far
    from {{ ref('stg_streaming__match_events') }}
    where period between 1 and 4 and match_id in (select changed.match_id from changed)
),

match_length as (
    select
        match_id,
        max(period) >= 3 as extra_time,
        greatest(max(minute), case when max(period) >= 3 then 120 else 90 end) as last_minute
    from events
    group by match_id
),

minutes as (
    select
        l.match_id,
        l.extra_time,
        m.minute
    from match_length as l
    cross join lateral generate_series(0, l.last_minute::integer) as m (minute)
),

scores_from as (
    -- The score an event leaves holds from the clock it reached until the next event moves
    -- the clock on: a range join, not a lookup per minute (the evaluation has 400k minutes).
    select
        match_id,
        clock_so_far,
        home_score,
        away_score,
        lead(clock_so_far) over (partition by match_id order by period, sequence) as next_clock
    from events
),

states as (
    -- The score after each minute is the running score of the last event up to it, so a
    -- goal cancelled by VAR lowers it again.
    select
        mi.match_id,
        mi.minute,
        mi.extra_time,
        coalesce(s.home_score, 0) as home_score,
        coalesce(s.away_score, 0) as away_score,
        mi.match_id in (select sh.match_id from shots as sh) as has_shots
    from minutes as mi
    left join scores_from as s
        on
            mi.match_id = s.match_id
            and mi.minute >= s.clock_so_far
            and mi.minute < coalesce(s.next_clock, 2147483647)
            and s.clock_so_far < coalesce(s.next_clock, 2147483647)
),

sent_off_so_far as (
    -- Players sent off up to and including each minute (only matches with a card join).
    select
        st.match_id,
        st.minute,
        count(*) filter (where so.team_side = 'home') as home_sent_off,
        count(*) filter (where so.team_side = 'away') as away_sent_off
    from states as st
    inner join sent_off as so on st.match_id = so.match_id and st.minute >= so.minute
    group by st.match_id, st.minute
),

xg_so_far as (
    -- Our xG of each team's shots up to and including each minute (only matches with shots).
    select
        st.match_id,
        st.minute,
        coalesce(sum(sh.xg) filter (where sh.team_side = 'home'), 0) as home_xg,
        coalesce(sum(sh.xg) filter (where sh.team_side = 'away'), 0) as away_xg
    from states as st
    inner join shots as sh on st.match_id = sh.match_id and st.minute >= sh.minute
    group by st.match_id, st.minute
),

in_play as (
    select
        st.*,
        coalesce(so.home_sent_off, 0) as home_sent_off,
        coalesce(so.away_sent_off, 0) as away_sent_off,
        -- A match whose feed has shots but none yet: 0 xG each; a feed without shots: null.
        case when st.has_shots then coalesce(xg.home_xg, 0) end as home_xg,
        case when st.has_shots then coalesce(xg.away_xg, 0) end as away_xg
    from states as st
    left join sent_off_so_far as so on st.match_id = so.match_id and st.minute = so.minute
    left join xg_so_far as xg on st.match_id = xg.match_id and st.minute = xg.minute
),

pre_match as (
    select
        s.*,
        p.max_goals,
        p.red_card_own,
        p.red_card_opponent,
        p.xg_shrinkage,
        exp(
            p.intercept + p.elo * r.rating_difference / 400.0 + case when r.is_neutral_venue then 0 else p.home end
        ) as home_pre_match_rate,
        exp(
            p.intercept - p.elo * r.rating_difference / 400.0 + case when r.is_neutral_venue then 0 else p.away end
        ) as away_pre_match_rate,
        -- Share of a 90-minute goal expectation played so far, and still to come in the phase.
        1.0 - g.share_left + p.extra_time_factor * greatest(least(s.minute, 120) - 90, 0) / 90.0 as share_played,
        case
            when s.minute < 90 then g.share_left
            when s.extra_time and s.minute < 120 then p.extra_time_factor * (120 - s.minute) / 90.0
            else 0
        end as share_left
    from in_play as s
    inner join rated as r on s.match_id = r.match_id
    cross join parameters as p
    left join {{ ref('goal_time_profile') }} as g on least(s.minute, 90) = g.minute
),

goals_left as (
    select
        pm.match_id,
        pm.minute,
        pm.home_score,
        pm.away_score,
        pm.max_goals,
        pm.home_sent_off,
        pm.away_sent_off,
        pm.home_xg,
        pm.away_xg,
        pm.home_pre_match_rate
        * power(pm.red_card_own, pm.home_sent_off) * power(pm.red_card_opponent, pm.away_sent_off)
        * case
            when pm.has_shots
                then (pm.xg_shrinkage + pm.home_xg) / (pm.xg_shrinkage + pm.home_pre_match_rate * pm.share_played)
            else 1.0
        end as home_rate,
        pm.away_pre_match_rate
        * power(pm.red_card_own, pm.away_sent_off) * power(pm.red_card_opponent, pm.home_sent_off)
        * case
            when pm.has_shots
                then (pm.xg_shrinkage + pm.away_xg) / (pm.xg_shrinkage + pm.away_pre_match_rate * pm.share_played)
            else 1.0
        end as away_rate,
        pm.share_left
    from pre_match as pm
),

goal_counts as (
    -- Each count of goals still to come, 0 to max_goals, with its Poisson probability for each
    -- side, and the home side's lead should it score that many (lead_then).
    select
        gl.match_id,
        gl.minute,
        gl.max_goals,
        g.goals,
        gl.home_score - gl.away_score + g.goals as lead_then,
        {{ poisson_pmf('gl.home_rate * gl.share_left', 'g.goals') }} as p_home_goals,
        {{ poisson_pmf('gl.away_rate * gl.share_left', 'g.goals') }} as p_away_goals
    from goals_left as gl
    cross join lateral generate_series(0, gl.max_goals) as g (goals)
),

away_sums as (
    -- The away side's probabilities summed below, above and over all its counts, each a sum of
    -- its own terms (no difference of sums, which could fall below 0 by rounding).
    select
        match_id,
        minute,
        goals,
        p_away_goals,
        coalesce(sum(p_away_goals) over (
            partition by match_id, minute order by goals rows between unbounded preceding and 1 preceding
        ), 0) as p_away_fewer,
        coalesce(sum(p_away_goals) over (
            partition by match_id, minute order by goals rows between 1 following and unbounded following
        ), 0) as p_away_more,
        sum(p_away_goals) over (partition by match_id, minute) as p_away_any
    from goal_counts
),

outcomes_summed as (
    -- Home goals i and away goals j end in a home win when lead_then (the score difference + i)
    -- is above j, a draw when equal, an away win when below: per i, the away side's sum over the
    -- j below, at and above lead_then, its row found by the lead clamped to 0..max_goals. So
    -- (max_goals + 1) rows per minute instead of the (max_goals + 1)^2 of the whole score grid.
    select
        h.match_id,
        h.minute,
        sum(h.p_home_goals * case
            when h.lead_then < 0 then 0
            when h.lead_then > h.max_goals then a.p_away_any
            else a.p_away_fewer
        end) as p_home_raw,
        sum(h.p_home_goals * case
            when h.lead_then between 0 and h.max_goals then a.p_away_goals
            else 0
        end) as p_draw_raw,
        sum(h.p_home_goals * case
            when h.lead_then < 0 then a.p_away_any
            when h.lead_then > h.max_goals then 0
            else a.p_away_more
        end) as p_away_raw
    from goal_counts as h
    inner join away_sums as a
        on
            h.match_id = a.match_id
            and h.minute = a.minute
            and a.goals = greatest(least(h.lead_then, h.max_goals), 0)
    group by h.match_id, h.minute
),

outcomes as (
    select
        gl.match_id,
        gl.minute,
        gl.home_score,
        gl.away_score,
        gl.home_sent_off,
        gl.away_sent_off,
        gl.home_xg,
        gl.away_xg,
        gl.home_rate * gl.share_left as home_goals_left,
        gl.away_rate * gl.share_left as away_goals_left,
        os.p_home_raw,
        os.p_draw_raw,
        os.p_away_raw
    from goals_left as gl
    inner join outcomes_summed as os on gl.match_id = os.match_id and gl.minute = os.minute
)

select
    outcomes.match_id,
    outcomes.minute,
    outcomes.home_score,
    outcomes.away_score,
    -- Normalised over the truncated Poisson sums so the three sum to 1 exactly.
    outcomes.p_home_raw / (outcomes.p_home_raw + outcomes.p_draw_raw + outcomes.p_away_raw) as p_home,
    outcomes.p_draw_raw / (outcomes.p_home_raw + outcomes.p_draw_raw + outcomes.p_away_raw) as p_draw,
    outcomes.p_away_raw / (outcomes.p_home_raw + outcomes.p_draw_raw + outcomes.p_away_raw) as p_away,
    -- The expected final score of the phase being played.
    outcomes.home_score + outcomes.home_goals_left as expected_home_goals,
    outcomes.away_score + outcomes.away_goals_left as expected_away_goals,
    -- The next goal (macros/next_goal.sql): none comes with e^-(home + away).
    {{ next_goal_probability('outcomes.home_goals_left', 'outcomes.away_goals_left') }} as p_next_goal_home,
    {{ next_goal_probability('outcomes.away_goals_left', 'outcomes.home_goals_left') }} as p_next_goal_away,
    exp(-(outcomes.home_goals_left + outcomes.away_goals_left)) as p_no_more_goals,
    11 - outcomes.home_sent_off as home_players,
    11 - outcomes.away_sent_off as away_players,
    outcomes.home_xg,
    outcomes.away_xg,
    changed.source_landed_at
from outcomes
inner join changed on outcomes.match_id = changed.match_id
