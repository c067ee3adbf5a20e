-- The FPL bonus points system per match and player: the BPS from the player's counts
-- (int_fantasy_actions) and the seed fantasy_bps_rules, and the bonus points of the three
-- best BPS of the match (seed fantasy_scoring_rules).
with bps_counts as (
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
    from {{ ref('int_fantasy_actions') }} as c
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
)

select
    bo.match_id,
    bo.player_id,
    bo.bps,
    coalesce(r.points, 0) as bonus
from bonus as bo
left join {{ ref('fantasy_scoring_rules') }} as r
    on r.rule = case bo.bps_rank when 1 then 'bonus_first' when 2 then 'bonus_second' when 3 then 'bonus_third' end
