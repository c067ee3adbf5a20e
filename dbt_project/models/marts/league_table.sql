{{ config(materialized='view') }}

-- The standings of each league and of each group of a tournament's group stage, per competition
-- and season, from the match results (int_match_results). Live: a match under way counts with its
-- current score, and `live_matches` says how many of a row's matches are under way. Only the
-- league and group stages count (stage "Regular Season", "League Stage", "Group Stage", or
-- API-Football's "Regular Season - 3", "Group A - 1"); knockout rounds do not.
--
-- Groups: the provider's where it names one (API-Football's round "Group A - 1" -> "Group A");
-- otherwise (StatsBomb's "Group Stage") the teams that met in the competition and season's group
-- stage, as connected components, each named by its teams in alphabetical order, comma-separated
-- ("Egypt, Russia, Saudi Arabia, Uruguay"). FIFA's letters are not in the data. Until every team of
-- a group has met another one (after the first round), a group shows as its separate pairs. A
-- league is one table, its group_name null.
--
-- Order, FIFA's rules for the 2018 World Cup (Regulations, art. 32.5): (a) points (3 a win, 1 a
-- draw, 0 a defeat); (b) goal difference; (c) goals scored; among the teams still level on (a)-(c):
-- (d) points in the matches between them, (e) goal difference in those, (f) goals scored in those;
-- (g) fair-play points (per player and match, the one worst deduction: yellow card -1, second
-- yellow (indirect red) -3, direct red -4, yellow then direct red -5); (h) the drawing of lots,
-- for which the team name stands in here. Leagues are ordered the same way (a real league's own
-- rules may differ, e.g. the Premier League has no head-to-head step).
{% set under_way = "'{" ~ var('statuses_under_way') | join(',') ~ "}'" %}
{% set counted = "'{" ~ ((var('statuses_under_way') | list) + ['FINISHED', 'AWARDED']) | join(',') ~ "}'" %}
with recursive match_stages as (
    select * from {{ ref('int_match_info') }}
),

table_matches as (
    -- The started matches of league and group stages, with their current score.
    select
        r.match_id,
        r.competition,
        s.season,
        r.home_team,
        r.away_team,
        r.home_score,
        r.away_score,
        r.status = any({{ under_way }}::text[]) as is_live,
        s.stage ~* '^group' as is_group_stage,
        substring(s.stage from '^(Group [A-Z0-9]{1,2})( - [0-9]+)?$') as provider_group
    from {{ ref('int_match_results') }} as r
    inner join match_stages as s on r.match_id = s.match_id
    where
        s.stage ~* '^(group|regular season|league stage)'
        and r.status = any({{ counted }}::text[])
        and r.home_score is not null
        and r.away_score is not null
),

meetings as (
    -- Both directions of each group-stage meeting whose provider names no group.
    select
        competition,
        season,
        home_team as team,
        away_team as opponent
    from table_matches
    where is_group_stage and provider_group is null
    union
    select
        competition,
        season,
        away_team as team,
        home_team as opponent
    from table_matches
    where is_group_stage and provider_group is null
),

reachable as (
    -- Every team reachable from each team through meetings: its group (a connected component).
    select distinct
        competition,
        season,
        team,
        team as member
    from meetings
    union
    select
        r.competition,
        r.season,
        r.team,
        m.opponent as member
    from reachable as r
    inner join meetings as m
        on
            r.competition = m.competition
            and r.season is not distinct from m.season
            and r.member = m.team
),

derived_groups as (
    select
        competition,
        season,
        team,
        string_agg(member, ', ' order by member) as group_name
    from reachable
    group by competition, season, team
),

grouped_matches as (
    select
        t.*,
        case
            when t.provider_group is not null then t.provider_group
            when t.is_group_stage then g.group_name
        end as group_name
    from table_matches as t
    left join derived_groups as g
        on
            t.competition = g.competition
            and t.season is not distinct from g.season
            and t.home_team = g.team
),

team_matches as (
    select
        match_id,
        competition,
        season,
        group_name,
        'home' as team_side,
        home_team as team,
        away_team as opponent,
        home_score as goals_for,
        away_score as goals_against,
        is_live
    from grouped_matches
    union all
    select
        match_id,
        competition,
        season,
        group_name,
        'away' as team_side,
        away_team as team,
        home_team as opponent,
        away_score as goals_for,
        home_score as goals_against,
        is_live
    from grouped_matches
),

player_deductions as (
    -- FIFA's fair-play deduction of each booked player in a match: the worst one only.
    select
        match_id,
        team_side,
        player_id,
        case
            when bool_or(event_type = 'RED_CARD') and bool_or(event_type = 'YELLOW_CARD') then -5
            when bool_or(event_type = 'RED_CARD') then -4
            when bool_or(event_type = 'SECOND_YELLOW') then -3
            else -1
        end as fair_play_points
    from {{ ref('stg_streaming__match_events') }}
    where
        event_type in ('YELLOW_CARD', 'SECOND_YELLOW', 'RED_CARD')
        and player_id is not null
        and match_id in (select table_matches.match_id from table_matches)
    group by match_id, team_side, player_id
),

team_deductions as (
    select
        match_id,
        team_side,
        sum(fair_play_points) as fair_play_points
    from player_deductions
    group by match_id, team_side
),

results as (
    select
        tm.*,
        md5(json_build_array(tm.competition, tm.season, tm.group_name)::text) as table_id,
        case
            when tm.goals_for > tm.goals_against then 3
            when tm.goals_for = tm.goals_against then 1
            else 0
        end as points,
        coalesce(d.fair_play_points, 0) as fair_play_points
    from team_matches as tm
    left join team_deductions as d on tm.match_id = d.match_id and tm.team_side = d.team_side
),

standings as (
    select
        table_id,
        competition,
        season,
        group_name,
        team,
        count(*) as played,
        count(*) filter (where goals_for > goals_against) as won,
        count(*) filter (where goals_for = goals_against) as drawn,
        count(*) filter (where goals_for < goals_against) as lost,
        sum(goals_for)::bigint as goals_for,
        sum(goals_against)::bigint as goals_against,
        sum(goals_for - goals_against)::bigint as goal_difference,
        sum(points)::bigint as points,
        sum(fair_play_points)::bigint as fair_play_points,
        count(*) filter (where is_live) as live_matches
    from results
    group by table_id, competition, season, group_name, team
),

head_to_head as (
    -- Criteria (d)-(f): each team's matches against the teams level with it on (a)-(c).
    select
        s.table_id,
        s.team,
        sum(r.points) as points,
        sum(r.goals_for - r.goals_against) as goal_difference,
        sum(r.goals_for) as goals_for
    from standings as s
    inner join results as r on s.table_id = r.table_id and s.team = r.team
    inner join standings as tied
        on
            r.table_id = tied.table_id
            and r.opponent = tied.team
            and s.points = tied.points
            and s.goal_difference = tied.goal_difference
            and s.goals_for = tied.goals_for
    group by s.table_id, s.team
)

select
    s.competition,
    s.season,
    s.group_name,
    row_number() over (
        partition by s.table_id
        order by
            s.points desc,
            s.goal_difference desc,
            s.goals_for desc,
            coalesce(h.points, 0) desc,
            coalesce(h.goal_difference, 0) desc,
            coalesce(h.goals_for, 0) desc,
            s.fair_play_points desc,
            s.team asc
    ) as position,
    s.team,
    s.played,
    s.won,
    s.drawn,
    s.lost,
    s.goals_for,
    s.goals_against,
    s.goal_difference,
    s.points,
    s.fair_play_points,
    s.live_matches
from standings as s
left join head_to_head as h on s.table_id = h.table_id and s.team = h.team
