{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- The latest state of each match (int_latest_snapshots), kept once the streaming tables' hot rows
-- are purged: the ratings walk every match the pipeline has seen.
with changed as (
    {{ changed_matches([ref('stg_streaming__live_matches')]) }}
)

select latest.*  -- noqa: AM04
from {{ ref('int_latest_snapshots') }} as latest
where latest.match_id in (select changed.match_id from changed)
