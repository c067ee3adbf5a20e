{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Goals, cards, substitutions and VAR decisions of each match in the order they happened,
-- with the score after each. A cancelled goal stays in the timeline next to its
-- cancellation; the score columns show its effect.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
),

moments as (
    select
        e.match_id,
        e.event_id,
        e.sequence,
        e.period,
        e.minute,
        e.second,
        e.added_time,
        case
            when e.event_type in ('GOAL', 'PENALTY_GOAL', 'OWN_GOAL') then 'goal'
            when e.event_type in ('SHOOTOUT_GOAL', 'SHOOTOUT_MISSED', 'PENALTY_MISSED') then 'penalty'
            when e.event_type in ('YELLOW_CARD', 'SECOND_YELLOW', 'RED_CARD') then 'card'
            when e.event_type = 'SUBSTITUTION' then 'substitution'
            else 'var'
        end as category,
        e.event_type,
        e.team,
        e.team_side,
        e.player_id,
        e.player_name,
        -- The assist of a goal, the player coming on in a substitution.
        coalesce(e.replacement_player_name, e.assist_player_name) as other_player_name,
        e.home_score,
        e.away_score,
        changed.source_landed_at
    from {{ ref('stg_streaming__match_events') }} as e
    inner join changed on e.match_id = changed.match_id
    where e.event_type in (
        'GOAL', 'PENALTY_GOAL', 'OWN_GOAL', 'PENALTY_MISSED', 'SHOOTOUT_GOAL', 'SHOOTOUT_MISSED',
        'YELLOW_CARD', 'SECOND_YELLOW', 'RED_CARD', 'SUBSTITUTION', 'GOAL_CANCELLED', 'VAR'
    )
)

select
    match_id,
    row_number() over (partition by match_id order by period, sequence) as moment_order,
    event_id,
    period,
    minute,
    second,
    added_time,
    -- As a broadcaster writes it: 22:30 is 23', and the minute is capped at the end of
    -- the period, so 45:30 is 45+1'.
    case
        when period = 5 then 'pens'
        when minute = {{ period_end_minute('period') }}
            then minute::text || '+' || (added_time + 1)::text || ''''
        else (minute + 1)::text || ''''
    end as display_minute,
    category,
    event_type,
    team,
    team_side,
    player_id,
    player_name,
    other_player_name,
    home_score,
    away_score,
    source_landed_at
from moments
