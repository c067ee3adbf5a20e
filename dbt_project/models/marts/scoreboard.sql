{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- The latest state of each match, for the matches landed since the last run: int_match_results
-- (its header says how it is taken).
with changed as (
    {{ changed_matches([ref('stg_streaming__live_matches')]) }}
)

select
    r.match_id,
    r.competition,
    r.home_team,
    r.away_team,
    r.home_score,
    r.away_score,
    r.home_penalties,
    r.away_penalties,
    r.status,
    r.minute,
    r.updated_at,
    r.is_neutral_venue,
    r.source_landed_at,
    r.match_date
from {{ ref('int_match_results') }} as r
where r.match_id in (select changed.match_id from changed)
