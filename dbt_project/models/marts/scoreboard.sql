{{ config(materialized='view') }}

-- The latest state of each match, live: a goal shows as soon as its snapshot lands, without
-- waiting for the loop. A match with landed rows is read from them (int_latest_snapshots); one
-- whose rows were purged before the batch layer kept them, from int_match_results's copy.
select latest.*  -- noqa: AM04
from {{ ref('int_latest_snapshots') }} as latest
union all
select kept.*  -- noqa: AM04
from {{ ref('int_match_results') }} as kept
where not exists (
    select from {{ ref('int_latest_snapshots') }} as landed
    where landed.match_id = kept.match_id
)
