{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- The latest state of each match (kept once the streaming tables' hot rows are purged: the
-- ratings walk every match the pipeline has seen). Scores are taken from the newest snapshot, never summed,
-- so a goal cancelled by VAR (a score that goes down) is reflected as it is.
with changed as (
    {{ changed_matches([ref('stg_streaming__live_matches')]) }}
),

ranked as (
    select
        lm.*,
        row_number() over (
            partition by lm.match_id
            order by lm.sequence desc, lm.recorded_at desc, lm.event_id desc
        ) as recency
    from {{ ref('stg_streaming__live_matches') }} as lm
    where lm.match_id in (select changed.match_id from changed)
)

select
    ranked.match_id,
    ranked.competition,
    ranked.home_team,
    ranked.away_team,
    ranked.home_score,
    ranked.away_score,
    ranked.home_penalties,
    ranked.away_penalties,
    ranked.status,
    ranked.minute,
    ranked.recorded_at as updated_at,
    ranked.is_neutral_venue,
    changed.source_landed_at,
    coalesce(ranked.match_date, ranked.kickoff::date) as match_date
from ranked
inner join changed on ranked.match_id = changed.match_id
where ranked.recency = 1
