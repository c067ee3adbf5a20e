-- Fails when the last minute of a finished match does not give its result probability 1.
with last_state as (
    select distinct on (match_id) match_id, home_score, away_score, p_home, p_draw, p_away
    from {{ ref('win_probability') }}
    order by match_id, minute desc
)

select l.*
from last_state as l
inner join {{ ref('scoreboard') }} as s on l.match_id = s.match_id
where
    s.status = 'FINISHED'
    and abs(
        case
            when l.home_score > l.away_score then l.p_home
            when l.home_score = l.away_score then l.p_draw
            else l.p_away
        end - 1
    ) > 1e-9
