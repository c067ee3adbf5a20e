{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- The latest state of each match (macros/match_states.sql), kept once the streaming tables' hot rows are
-- purged: the ratings walk every match the pipeline has seen, and the scoreboard shows it for the
-- matches with nothing landed since the last build. Rebuilt for the matches landed since the last run,
-- from all of their rows.
with changed as (
    {{ changed_matches([ref('stg_streaming__live_matches')]) }}
),

snapshots as (
    select lm.*
    from {{ ref('stg_streaming__live_matches') }} as lm
    where lm.match_id in (select changed.match_id from changed)
)

{{ match_states('snapshots') }}
