{{ config(materialized='view') }}

-- The newest snapshot of every match with rows in the landed table (hot, or history the batch
-- layer loaded): its latest state. Scores are taken from the newest snapshot, never summed, so a
-- goal cancelled by VAR (a score that goes down) is reflected as it is. A view: scoreboard reads
-- it live, without waiting for the loop; int_match_results keeps a copy of each match.
select distinct on (lm.match_id)
    lm.match_id,
    lm.competition,
    lm.home_team,
    lm.away_team,
    lm.home_score,
    lm.away_score,
    lm.home_penalties,
    lm.away_penalties,
    lm.status,
    lm.minute,
    lm.recorded_at as updated_at,
    lm.is_neutral_venue,
    max(lm.landed_at) over (partition by lm.match_id) as source_landed_at,
    coalesce(lm.match_date, lm.kickoff::date) as match_date
from {{ ref('stg_streaming__live_matches') }} as lm
order by lm.match_id asc, lm.sequence desc, lm.recorded_at desc, lm.event_id desc
