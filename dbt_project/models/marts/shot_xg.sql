{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Every shot with our xG next to the provider's xG, for the matches landed since the last run:
-- int_shots_xg's rows, column for column: it has the columns of this mart, in order.
with changed as (
    {{ changed_matches([ref('stg_streaming__match_events')]) }}
)

select s.*  -- noqa: AM04
from {{ ref('int_shots_xg') }} as s
where s.match_id in (select changed.match_id from changed)
