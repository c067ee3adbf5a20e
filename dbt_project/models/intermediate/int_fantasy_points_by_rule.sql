-- Fantasy Premier League points per match, player and group of scoring rules (minutes, goals,
-- assists, clean sheets, ...): each rule of the seed fantasy_scoring_rules applied to the
-- player's counts (int_fantasy_actions); nothing about the scoring is written here.
-- One row per player and scoring rule: the count the rule applies to.
with rule_counts as (
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
    from {{ ref('int_fantasy_actions') }} as c
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
)

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
