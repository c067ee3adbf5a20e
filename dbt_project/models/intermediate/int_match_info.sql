-- Each match's competition, season, stage and date, from its newest snapshot (they do not change
-- during a match; the date falls back to the kick-off's): what the season-level marts group by.
select distinct on (lm.match_id)
    lm.match_id,
    lm.competition,
    lm.season,
    lm.stage,
    coalesce(lm.match_date, lm.kickoff::date) as match_date
from {{ ref('stg_streaming__live_matches') }} as lm
order by lm.match_id asc, lm.sequence desc, lm.recorded_at desc, lm.event_id desc
