{{ config(materialized='view') }}

-- The latest state of each match (macros/match_states.sql), read when asked rather than built, so a goal
-- is on the scoreboard once its snapshot has landed, with no dbt build in between. int_match_results holds
-- every match as the live loop last built it; the snapshots landed since (from its newest landing time,
-- less the incremental look-back) give their matches' state instead. The landed_at indexes find them, so
-- a read covers the minutes since the loop's last cycle, not the whole hot table.
with landed_since as (
    select lm.*
    from {{ ref('stg_streaming__live_matches') }} as lm
    where lm.landed_at > (
        select
            coalesce(max(built.source_landed_at), '-infinity'::timestamptz)
            - {{ lookback() }}
        from {{ ref('int_match_results') }} as built
    )
),

live as (
    {{ match_states('landed_since') }}
)

-- int_match_results has the columns of match_states, in its order (the contract checks both).
select live.* from live
union all
select built.*  -- noqa: AM04
from {{ ref('int_match_results') }} as built
where not exists (
    select from live
    where live.match_id = built.match_id
)
