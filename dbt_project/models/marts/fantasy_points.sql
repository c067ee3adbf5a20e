{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Fantasy Premier League 2025/26 points per match and player, with the breakdown, from the
-- match events. Points per action come from the seed fantasy_scoring_rules and the bonus
-- points system from fantasy_bps_rules; nothing about the scoring is written here.
-- Saves are the opponents' shots saved while the goalkeeper was on the pitch.
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

final_score as (
    select distinct on (match_id)
        match_id,
        home_score,
        away_score
    from events
    order by match_id asc, period desc, sequence desc
),

-- Goals with the side they count for and whether they decided the match: the winner's
-- goal that took it one past the loser's final tally.
goals as (
    select
        e.match_id,
        e.sequence,
        e.event_type,
        e.player_id,
        e.assist_player_id,
        case
            when e.event_type != 'OWN_GOAL' then e.team_side
            when e.team_side = 'home' then 'away'
            else 'home'
        end as scoring_side,
        case
            when f.home_score > f.away_score then e.home_score = f.away_score + 1 and e.away_score <= f.away_score
            when f.away_score > f.home_score then e.away_score = f.home_score + 1 and e.home_score <= f.home_score
            else false
        end as took_decisive_lead
    from events as e
    inner join final_score as f on e.match_id = f.match_id
    where e.event_type in ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL')
),

-- The first event of the goal that put the winner one ahead for good.
winning_goal as (
    select distinct on (g.match_id)
        g.match_id,
        g.sequence,
        g.event_type,
        g.player_id
    from goals as g
    inner join final_score as f on g.match_id = f.match_id
    where
        g.took_decisive_lead
        and g.scoring_side = case when f.home_score > f.away_score then 'home' else 'away' end
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
-- pitch at the time.
saves as (
    select
        a.match_id,
        a.player_id,
        count(e.event_id) filter (where e.event_type in ('SHOT', 'PENALTY_MISSED')) as saves,
        count(e.event_id) filter (where e.event_type = 'PENALTY_MISSED') as penalties_saved
    from appearances as a
    left join events as e
        on
            a.match_id = e.match_id
            and a.team_side != e.team_side
            and e.event_type in ('SHOT', 'PENALTY_MISSED')
            and e.outcome = 'SAVED'
            and a.on_sequence < e.sequence
            and a.last_sequence_on_pitch > e.sequence
    where a.position = 'GKP'
    group by a.match_id, a.player_id
),

actions as (
    select
        match_id,
        player_id,
        count(*) filter (where event_type in ('GOAL', 'PENALTY_GOAL')) as goals,
        count(*) filter (where event_type = 'OWN_GOAL') as own_goals,
        count(*) filter (where event_type = 'PENALTY_MISSED') as penalties_missed,
        count(*) filter (where event_type = 'YELLOW_CARD') as yellow_cards,
        count(*) filter (where event_type in ('SECOND_YELLOW', 'RED_CARD')) as red_cards,
        count(*) filter (where event_type = 'CLEARANCE') as clearances,
        count(*) filter (where event_type = 'BLOCK') as blocks,
        count(*) filter (where event_type = 'INTERCEPTION') as interceptions,
        count(*) filter (where event_type = 'TACKLE') as tackles,
        count(*) filter (
            where event_type = 'TACKLE' and outcome = 'WON'
        ) as tackles_won,
        count(*) filter (where event_type = 'BALL_RECOVERY') as recoveries,
        count(*) filter (where event_type = 'DRIBBLE' and outcome = 'COMPLETE') as successful_dribbles,
        count(*) filter (where event_type = 'SHOT' and outcome = 'OFF_TARGET') as shots_off_target,
        count(*) filter (where event_type = 'DISPOSSESSED') as dispossessed,
        count(*) filter (where event_type = 'FOUL_COMMITTED') as fouls_committed,
        count(*) filter (where event_type = 'OFFSIDE') as offsides,
        count(*) filter (where event_type = 'ERROR') as errors_leading_to_shot,
        count(*) filter (where event_type = 'PASS') as passes,
        count(*) filter (where event_type = 'PASS' and outcome = 'COMPLETE') as passes_completed
    from events
    where player_id is not null
    group by match_id, player_id
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

key_passes as (
    select
        match_id,
        assist_player_id as player_id,
        count(*) as key_passes
    from events
    where event_type in ('SHOT', 'GOAL', 'PENALTY_GOAL', 'PENALTY_MISSED') and assist_player_id is not null
    group by match_id, assist_player_id
),

counts as (
    select
        a.match_id,
        a.player_id,
        a.player_name,
        a.team,
        a.team_side,
        a.position,
        a.position_known,
        a.minutes_played,
        coalesce(x.goals, 0) as goals,
        coalesce(ast.assists, 0) as assists,
        coalesce(kp.key_passes, 0) as key_passes,
        coalesce(c.goals_conceded, 0) as goals_conceded,
        coalesce(s.saves, 0) as saves,
        coalesce(s.penalties_saved, 0) as penalties_saved,
        coalesce(x.penalties_missed, 0) as penalties_missed,
        -- A second yellow or a straight red replaces the yellow (FPL deducts 3 in all).
        case when coalesce(x.red_cards, 0) > 0 then 0 else coalesce(x.yellow_cards, 0) end as yellow_cards,
        least(coalesce(x.red_cards, 0), 1) as red_cards,
        coalesce(x.own_goals, 0) as own_goals,
        coalesce(x.clearances, 0) + coalesce(x.blocks, 0) + coalesce(x.interceptions, 0) + coalesce(x.tackles, 0)
            as clearances_blocks_interceptions_tackles,
        coalesce(x.recoveries, 0) as recoveries,
        coalesce(x.clearances, 0) + coalesce(x.blocks, 0) + coalesce(x.interceptions, 0)
            as clearances_blocks_interceptions,
        coalesce(x.tackles_won, 0) as tackles_won,
        coalesce(x.successful_dribbles, 0) as successful_dribbles,
        coalesce(x.shots_off_target, 0) as shots_off_target,
        coalesce(x.dispossessed, 0) as dispossessed,
        coalesce(x.fouls_committed, 0) as fouls_committed,
        coalesce(x.offsides, 0) as offsides,
        coalesce(x.errors_leading_to_shot, 0) as errors_leading_to_shot,
        coalesce(x.passes, 0) as passes,
        coalesce(x.passes_completed, 0) as passes_completed,
        case when w.player_id = a.player_id and w.event_type != 'OWN_GOAL' then 1 else 0 end as winning_goals
    from appearances as a
    left join actions as x on a.match_id = x.match_id and a.player_id = x.player_id
    left join assists as ast on a.match_id = ast.match_id and a.player_id = ast.player_id
    left join key_passes as kp on a.match_id = kp.match_id and a.player_id = kp.player_id
    left join conceded as c on a.match_id = c.match_id and a.player_id = c.player_id
    left join saves as s on a.match_id = s.match_id and a.player_id = s.player_id
    left join winning_goal as w on a.match_id = w.match_id
),

-- One row per player and scoring rule: the count the rule applies to.
rule_counts as (
    select
        c.match_id,
        c.player_id,
        r.rule,
        r.points,
        r.per_count,
        case r.rule
            when 'appearance' then (c.minutes_played between r.min_minutes and 59)::integer
            when 'appearance_60' then (c.minutes_played >= r.min_minutes)::integer
            when 'goal' then c.goals
            when 'assist' then c.assists
            when 'clean_sheet' then (c.minutes_played >= r.min_minutes and c.goals_conceded = 0)::integer
            when 'saves' then c.saves
            when 'penalty_saved' then c.penalties_saved
            when 'penalty_missed' then c.penalties_missed
            when 'goals_conceded' then c.goals_conceded
            when 'yellow_card' then c.yellow_cards
            when 'red_card' then c.red_cards
            when 'own_goal' then c.own_goals
            when 'defensive_contribution'
                then case
                    when c.position = 'DEF' then c.clearances_blocks_interceptions_tackles
                    else c.clearances_blocks_interceptions_tackles + c.recoveries
                end
            else 0
        end as action_count
    from counts as c
    inner join {{ ref('fantasy_scoring_rules') }} as r
        on r.position in ('ALL', c.position) and r.rule not like 'bonus%'
),

points_by_rule as (
    select
        match_id,
        player_id,
        rule,
        case
            -- Reached once per match at its threshold.
            when rule = 'defensive_contribution' then (action_count >= per_count)::integer * points
            else (action_count / per_count) * points
        end as points
    from rule_counts
),

bps_counts as (
    select
        c.match_id,
        c.player_id,
        r.points,
        r.per_count,
        case r.action
            when 'minutes_1' then (c.minutes_played between 1 and 59)::integer
            when 'minutes_60' then (c.minutes_played >= 60)::integer
            when 'goal' then c.goals
            when 'assist' then c.assists
            when 'winning_goal' then c.winning_goals
            when 'clean_sheet' then (c.minutes_played >= 60 and c.goals_conceded = 0)::integer
            when 'goals_conceded' then c.goals_conceded
            when 'save' then c.saves
            when 'penalty_saved' then c.penalties_saved
            when 'penalty_missed' then c.penalties_missed
            when 'key_pass' then c.key_passes
            when 'successful_dribble' then c.successful_dribbles
            when 'tackle_won' then c.tackles_won
            when 'clearances_blocks_interceptions' then c.clearances_blocks_interceptions
            when 'recoveries' then c.recoveries
            when 'pass_completion_70'
                then
                    (
                        c.passes >= 30 and c.passes_completed * 100 >= 70 * c.passes
                        and c.passes_completed * 100 < 80 * c.passes
                    )::integer
            when 'pass_completion_80'
                then
                    (
                        c.passes >= 30 and c.passes_completed * 100 >= 80 * c.passes
                        and c.passes_completed * 100 < 90 * c.passes
                    )::integer
            when 'pass_completion_90' then (c.passes >= 30 and c.passes_completed * 100 >= 90 * c.passes)::integer
            when 'shot_off_target' then c.shots_off_target
            when 'dispossessed' then c.dispossessed
            when 'foul_committed' then c.fouls_committed
            when 'offside' then c.offsides
            when 'error_leading_to_shot' then c.errors_leading_to_shot
            when 'yellow_card' then c.yellow_cards
            when 'red_card' then c.red_cards
            when 'own_goal' then c.own_goals
            else 0
        end as action_count
    from counts as c
    inner join {{ ref('fantasy_bps_rules') }} as r on r.position in ('ALL', c.position)
),

bps as (
    select
        match_id,
        player_id,
        sum((action_count / per_count) * points) as bps
    from bps_counts
    group by match_id, player_id
),

-- FPL's ties: equal BPS share a place and the next place is skipped (rank, not dense_rank).
bonus as (
    select
        b.match_id,
        b.player_id,
        b.bps,
        rank() over (partition by b.match_id order by b.bps desc) as bps_rank
    from bps as b
),

bonus_points as (
    select
        bo.match_id,
        bo.player_id,
        bo.bps,
        coalesce(r.points, 0) as bonus
    from bonus as bo
    left join {{ ref('fantasy_scoring_rules') }} as r
        on r.rule = case bo.bps_rank when 1 then 'bonus_first' when 2 then 'bonus_second' when 3 then 'bonus_third' end
),

breakdown as (
    select
        match_id,
        player_id,
        sum(points) filter (where rule in ('appearance', 'appearance_60')) as minutes_points,
        sum(points) filter (where rule = 'goal') as goal_points,
        sum(points) filter (where rule = 'assist') as assist_points,
        sum(points) filter (where rule = 'clean_sheet') as clean_sheet_points,
        sum(points) filter (where rule = 'saves') as save_points,
        sum(points) filter (where rule in ('penalty_saved', 'penalty_missed')) as penalty_points,
        sum(points) filter (where rule = 'goals_conceded') as goals_conceded_points,
        sum(points) filter (where rule in ('yellow_card', 'red_card')) as card_points,
        sum(points) filter (where rule = 'own_goal') as own_goal_points,
        sum(points) filter (where rule = 'defensive_contribution') as defensive_contribution_points
    from points_by_rule
    group by match_id, player_id
)

select
    c.match_id,
    c.player_id,
    c.player_name,
    c.team,
    c.position,
    c.position_known,
    c.minutes_played,
    c.goals,
    c.assists,
    c.goals_conceded,
    c.saves,
    c.clearances_blocks_interceptions_tackles,
    c.recoveries,
    bp.bps,
    bp.bonus as bonus_points,
    ch.source_landed_at,
    coalesce(b.minutes_points, 0) as minutes_points,
    coalesce(b.goal_points, 0) as goal_points,
    coalesce(b.assist_points, 0) as assist_points,
    coalesce(b.clean_sheet_points, 0) as clean_sheet_points,
    coalesce(b.save_points, 0) as save_points,
    coalesce(b.penalty_points, 0) as penalty_points,
    coalesce(b.goals_conceded_points, 0) as goals_conceded_points,
    coalesce(b.card_points, 0) as card_points,
    coalesce(b.own_goal_points, 0) as own_goal_points,
    coalesce(b.defensive_contribution_points, 0) as defensive_contribution_points,
    coalesce(b.minutes_points, 0) + coalesce(b.goal_points, 0) + coalesce(b.assist_points, 0)
    + coalesce(b.clean_sheet_points, 0) + coalesce(b.save_points, 0) + coalesce(b.penalty_points, 0)
    + coalesce(b.goals_conceded_points, 0) + coalesce(b.card_points, 0) + coalesce(b.own_goal_points, 0)
    + coalesce(b.defensive_contribution_points, 0) + bp.bonus as total_points
from counts as c
inner join changed as ch on c.match_id = ch.match_id
left join breakdown as b on c.match_id = b.match_id and c.player_id = b.player_id
left join bonus_points as bp on c.match_id = bp.match_id and c.player_id = bp.player_id
