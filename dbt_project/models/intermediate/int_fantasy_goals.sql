-- The goals of every match (periods 1-4) with the side they count for and whether they
-- decided it: the winner's goal that took it one past the loser's final tally.
-- `winning_side` is the side ahead at the end (away for a draw, which no goal decided).
-- (No CTE read twice: a filter on match_id reaches the events through this view.)
with final_score as (
    select distinct on (e.match_id)
        e.match_id,
        e.home_score,
        e.away_score
    from {{ ref('stg_streaming__match_events') }} as e
    where e.period between 1 and 4
    order by e.match_id asc, e.period desc, e.sequence desc
)

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
    end as took_decisive_lead,
    case when f.home_score > f.away_score then 'home' else 'away' end as winning_side
from {{ ref('stg_streaming__match_events') }} as e
inner join final_score as f on e.match_id = f.match_id
where e.period between 1 and 4 and e.event_type in ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL')
