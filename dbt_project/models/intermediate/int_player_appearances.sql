-- Every player who took part in a match: team, fantasy position, minutes, and the span of
-- the match (in event sequence) during which the player was on the pitch. Starters are on
-- from the start; a substitute from the substitution. The span ends when the player is
-- substituted off; `sent_off_sequence` marks a red card (FPL still charges goals conceded
-- after it, but the player makes no more saves).
with players as (
    select
        match_id,
        player_id,
        player_name,
        team_id,
        team,
        team_side,
        minutes_played,
        provider_position,
        row_number() over (
            partition by match_id, player_id
            order by is_final desc, sequence desc, recorded_at desc
        ) as recency
    from {{ ref('stg_streaming__player_live_stats') }}
),

events as (
    select
        match_id,
        sequence,
        event_type,
        provider,
        player_id,
        replacement_player_id
    from {{ ref('stg_streaming__match_events') }}
    where event_type in ('SUBSTITUTION', 'SECOND_YELLOW', 'RED_CARD', 'GOALKEEPER')
),

came_on as (
    select
        match_id,
        replacement_player_id as player_id,
        min(sequence) as on_sequence
    from events
    where event_type = 'SUBSTITUTION'
    group by 1, 2
),

went_off as (
    select
        match_id,
        player_id,
        min(sequence) filter (where event_type = 'SUBSTITUTION') as off_sequence,
        min(sequence) filter (where event_type in ('SECOND_YELLOW', 'RED_CARD')) as sent_off_sequence,
        count(*) filter (where event_type = 'GOALKEEPER') as goalkeeper_actions
    from events
    group by 1, 2
),

providers as (
    select distinct
        match_id,
        provider
    from {{ ref('stg_streaming__match_events') }}
)

select
    p.match_id,
    p.player_id,
    p.player_name,
    p.team_id,
    p.team,
    p.team_side,
    p.minutes_played,
    -- The seed knows the players of the real data, a live provider's line-up gives the
    -- position; elsewhere a player who acted as a goalkeeper is one, and anyone else counts
    -- as a midfielder.
    coalesce(
        pos.position,
        p.provider_position,
        case when coalesce(o.goalkeeper_actions, 0) > 0 then 'GKP' else 'MID' end
    ) as position,
    coalesce(pos.position, p.provider_position) is not null as position_known,
    coalesce(c.on_sequence, -1) as on_sequence,
    coalesce(o.off_sequence, 9223372036854775807) as off_sequence,
    coalesce(o.sent_off_sequence, o.off_sequence, 9223372036854775807) as last_sequence_on_pitch
from players as p
left join came_on as c on p.match_id = c.match_id and p.player_id = c.player_id
left join went_off as o on p.match_id = o.match_id and p.player_id = o.player_id
left join providers as pr on p.match_id = pr.match_id
left join {{ ref('player_positions') }} as pos on pr.provider = pos.provider and p.player_id = pos.player_id
where p.recency = 1 and p.minutes_played > 0
