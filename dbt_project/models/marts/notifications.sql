{{ config(materialized='view') }}

-- The scoreboard's ticker: the latest goals, red cards, VAR decisions and results, in the very
-- words the alerts pushed (streaming/alerts/messages.py writes them; this only lists them), with
-- the match they belong to (its latest state, int_match_results). A view on the alerts' record: live, without the loop.
select
    a.sent_at,
    a.match_id,
    a.kind,
    a.message as notification,
    m.home_team,
    m.away_team,
    m.status
from {{ ref('stg_streaming__alerts_sent') }} as a
left join {{ ref('int_match_results') }} as m on a.match_id = m.match_id
