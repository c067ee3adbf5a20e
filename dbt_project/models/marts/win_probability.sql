-- In-play win probability per match and minute: independent Poisson goals over the time
-- left, expected goals from pre-match Elo ratings (seed elo_ratings, rated before the match
-- day) and the parameters fitted by dbt_project.fitting. The forecast is the result at the
-- end of the phase being played: 90 minutes, then 120 once extra time has started.
-- Teams without a rating (club teams so far) play at the initial 1500. Home advantage
-- applies unless the match is known to be played at a neutral venue.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

with changed as (
    {{ changed_matches([ref('stg_streaming__match_events'), ref('stg_streaming__live_matches')]) }}
),

parameters as (
    select
        max(case when parameter = 'intercept' then value end) as intercept,
        max(case when parameter = 'elo' then value end) as elo,
        max(case when parameter = 'home' then value end) as home,
        max(case when parameter = 'away' then value end) as away,
        max(case when parameter = 'extra_time_factor' then value end) as extra_time_factor,
        max(case when parameter = 'max_goals' then value end)::integer as max_goals
    from {{ ref('win_probability_parameters') }}
),

matches as (
    select
        match_id,
        home_team,
        away_team,
        is_neutral_venue,
        coalesce(match_date, updated_at::date) as match_date
    from {{ ref('scoreboard') }}
    where match_id in (select changed.match_id from changed)
),

rated as (
    select
        m.match_id,
        m.is_neutral_venue,
        coalesce(home_elo.rating, 1500) - coalesce(away_elo.rating, 1500) as rating_difference
    from matches as m
    left join lateral (
        select e.rating from {{ ref('elo_ratings') }} as e
        where e.team = m.home_team and e.rated_after < m.match_date
        order by e.rated_after desc limit 1
    ) as home_elo on true
    left join lateral (
        select e.rating from {{ ref('elo_ratings') }} as e
        where e.team = m.away_team and e.rated_after < m.match_date
        order by e.rated_after desc limit 1
    ) as away_elo on true
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
        coalesce(s.away_score, 0) as away_score
    from minutes as mi
    left join scores_from as s
        on
            mi.match_id = s.match_id
            and mi.minute >= s.clock_so_far
            and mi.minute < coalesce(s.next_clock, 2147483647)
            and s.clock_so_far < coalesce(s.next_clock, 2147483647)
),

goals_left as (
    select
        s.match_id,
        s.minute,
        s.home_score,
        s.away_score,
        p.max_goals,
        exp(
            p.intercept + p.elo * r.rating_difference / 400.0 + case when r.is_neutral_venue then 0 else p.home end
        ) as home_rate,
        exp(
            p.intercept - p.elo * r.rating_difference / 400.0 + case when r.is_neutral_venue then 0 else p.away end
        ) as away_rate,
        case
            when s.minute < 90 then g.share_left
            when s.extra_time and s.minute < 120 then p.extra_time_factor * (120 - s.minute) / 90.0
            else 0
        end as share_left
    from states as s
    inner join rated as r on s.match_id = r.match_id
    cross join parameters as p
    left join {{ ref('goal_time_profile') }} as g on least(s.minute, 90) = g.minute
),

outcomes as (
    select
        gl.match_id,
        gl.minute,
        gl.home_score,
        gl.away_score,
        gl.home_rate * gl.share_left as home_goals_left,
        gl.away_rate * gl.share_left as away_goals_left,
        sum(case
            when gl.home_score + h.goals > gl.away_score + a.goals
                then
                    {{ poisson_pmf('gl.home_rate * gl.share_left', 'h.goals') }}
                    * {{ poisson_pmf('gl.away_rate * gl.share_left', 'a.goals') }}
            else 0
        end) as p_home_raw,
        sum(case
            when gl.home_score + h.goals = gl.away_score + a.goals
                then
                    {{ poisson_pmf('gl.home_rate * gl.share_left', 'h.goals') }}
                    * {{ poisson_pmf('gl.away_rate * gl.share_left', 'a.goals') }}
            else 0
        end) as p_draw_raw,
        sum(case
            when gl.home_score + h.goals < gl.away_score + a.goals
                then
                    {{ poisson_pmf('gl.home_rate * gl.share_left', 'h.goals') }}
                    * {{ poisson_pmf('gl.away_rate * gl.share_left', 'a.goals') }}
            else 0
        end) as p_away_raw
    from goals_left as gl
    cross join lateral generate_series(0, gl.max_goals) as h (goals)
    cross join lateral generate_series(0, gl.max_goals) as a (goals)
    group by gl.match_id, gl.minute, gl.home_score, gl.away_score, home_goals_left, away_goals_left
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
    outcomes.home_score + outcomes.home_goals_left as expected_home_goals,
    outcomes.away_score + outcomes.away_goals_left as expected_away_goals,
    changed.source_landed_at
from outcomes
inner join changed on outcomes.match_id = changed.match_id
