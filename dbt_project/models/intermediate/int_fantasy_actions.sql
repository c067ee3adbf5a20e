-- Fantasy Premier League counts per match and player: every action the points (and the bonus
-- points system) are scored on, for every player who took part (int_player_appearances).
-- Saves are the opponents' shots saved while the goalkeeper was on the pitch. A table rebuilt
-- match by match (the matches landed since its last run), read by the points and the bonus.
-- A match without event-level detail (a live provider's, macro matches_without_event_detail)
-- has no TACKLE or INTERCEPTION events: its tackles and interceptions are the provider's final
-- player-live-stats figures (null there, not measured, counts 0). Clearances, blocks and
-- recoveries are not in the contract and stay event counts.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

with changed as (
    {{ changed_matches([ref('stg_streaming__player_live_stats'), ref('stg_streaming__match_events')]) }}
),

appearances as (
    select a.*
    from {{ ref('int_player_appearances') }} as a
    where a.match_id in (select changed.match_id from changed)
),

events as (
    select e.*
    from {{ ref('stg_streaming__match_events') }} as e
    where e.match_id in (select changed.match_id from changed) and e.period between 1 and 4
),

goals as (
    {{ rows_of_changed_matches(ref('int_fantasy_goals')) }}
),

event_counts as (
    {{ rows_of_changed_matches(ref('int_fantasy_event_counts')) }}
),

-- The first event of the goal that put the winner one ahead for good.
winning_goal as (
    select distinct on (g.match_id)
        g.match_id,
        g.sequence,
        g.event_type,
        g.player_id
    from goals as g
    where g.took_decisive_lead and g.scoring_side = g.winning_side
    order by g.match_id, g.sequence
),

conceded as (
    select
        a.match_id,
        a.player_id,
        count(g.sequence) as goals_conceded
    from appearances as a
    left join goals as g
        on
            a.match_id = g.match_id
            and a.team_side != g.scoring_side
            and a.on_sequence < g.sequence
            and a.off_sequence > g.sequence
    group by a.match_id, a.player_id
),

-- Shots on target of the opponents that did not go in, credited to the goalkeeper on the
-- pitch at the time. Taken out of the events once: joined to them directly, PostgreSQL scanned all
-- the changed matches' events again for every goalkeeper (6 of 8 s for 64 matches).
saved_shots as materialized (
    select
        e.match_id,
        e.team_side,
        e.sequence,
        e.event_id,
        e.event_type
    from events as e
    where e.event_type in ('SHOT', 'PENALTY_MISSED') and e.outcome = 'SAVED'
),

saves as (
    select
        a.match_id,
        a.player_id,
        count(e.event_id) as saves,
        count(e.event_id) filter (where e.event_type = 'PENALTY_MISSED') as penalties_saved
    from appearances as a
    left join saved_shots as e
        on
            a.match_id = e.match_id
            and a.team_side != e.team_side
            and a.on_sequence < e.sequence
            and a.last_sequence_on_pitch > e.sequence
    where a.position = 'GKP'
    group by a.match_id, a.player_id
),

assists as (
    select
        match_id,
        assist_player_id as player_id,
        count(*) as assists
    from goals
    where event_type != 'OWN_GOAL' and assist_player_id is not null
    group by match_id, assist_player_id
),

without_event_detail as (
    {{ matches_without_event_detail() }}
),

provider_defence as (
    select
        s.match_id,
        s.player_id,
        coalesce(s.tackles, 0) as tackles,
        coalesce(s.interceptions, 0) as interceptions
    from ({{ latest_stats(ref('stg_streaming__player_live_stats'), 'player_id') }}) as s
    where s.recency = 1 and s.match_id in (select without_event_detail.match_id from without_event_detail)
),

key_passes as (
    select
        match_id,
        assist_player_id as player_id,
        count(*) as key_passes
    from events
    where event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED') and assist_player_id is not null
    group by match_id, assist_player_id
)

select
    a.match_id,
    a.player_id,
    a.player_name,
    a.team,
    a.team_side,
    a.position,
    a.position_known,
    a.minutes_played,
    {{ zero_if_missing([
        'x.goals', 'ast.assists', 'kp.key_passes', 'c.goals_conceded', 's.saves', 's.penalties_saved',
        'x.penalties_missed'
    ]) }},
    -- A second yellow or a straight red replaces the yellow (FPL deducts 3 in all).
    case when coalesce(x.red_cards, 0) > 0 then 0 else coalesce(x.yellow_cards, 0) end as yellow_cards,
    least(coalesce(x.red_cards, 0), 1) as red_cards,
    {{ zero_if_missing(['x.own_goals']) }},
    coalesce(x.clearances, 0) + coalesce(x.blocks, 0) + coalesce(pd.interceptions, x.interceptions, 0)
    + coalesce(pd.tackles, x.tackles, 0) as clearances_blocks_interceptions_tackles,
    {{ zero_if_missing(['x.recoveries']) }},
    coalesce(x.clearances, 0) + coalesce(x.blocks, 0) + coalesce(pd.interceptions, x.interceptions, 0)
        as clearances_blocks_interceptions,
    {{ zero_if_missing([
        'x.tackles_won', 'x.successful_dribbles', 'x.shots_off_target', 'x.dispossessed', 'x.fouls_committed',
        'x.offsides', 'x.errors_leading_to_shot', 'x.passes', 'x.passes_completed'
    ]) }},
    case when w.player_id = a.player_id and w.event_type != 'OWN_GOAL' then 1 else 0 end as winning_goals,
    ch.source_landed_at
from appearances as a
inner join changed as ch on a.match_id = ch.match_id
left join event_counts as x on a.match_id = x.match_id and a.player_id = x.player_id
left join assists as ast on a.match_id = ast.match_id and a.player_id = ast.player_id
left join key_passes as kp on a.match_id = kp.match_id and a.player_id = kp.player_id
left join conceded as c on a.match_id = c.match_id and a.player_id = c.player_id
left join saves as s on a.match_id = s.match_id and a.player_id = s.player_id
left join winning_goal as w on a.match_id = w.match_id
left join provider_defence as pd on a.match_id = pd.match_id and a.player_id = pd.player_id
