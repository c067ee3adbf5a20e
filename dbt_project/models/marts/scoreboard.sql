-- The latest state of each match. Scores are taken from the newest snapshot, never summed,
-- so a goal cancelled by VAR (a score that goes down) is reflected as it is.
with ranked as (
    select
        *,
        row_number() over (
            partition by match_id
            order by sequence desc, recorded_at desc, event_id desc
        ) as recency
    from {{ ref('stg_streaming__live_matches') }}
)

select
    match_id,
    competition,
    home_team,
    away_team,
    home_score,
    away_score,
    home_penalties,
    away_penalties,
    status,
    minute,
    recorded_at as updated_at,
    coalesce(match_date, kickoff::date) as match_date
from ranked
where recency = 1
