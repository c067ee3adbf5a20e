{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Both teams' Elo ratings at the kick-off of every match and, once it is finished, after it:
-- int_team_ratings (its header says how they are walked). Each run copies the rows that model
-- has just written again, those landed since this mart's last run or walked after them.
select
    r.match_id,
    r.match_date,
    r.competition,
    r.home_team,
    r.away_team,
    r.is_neutral_venue,
    r.is_finished,
    r.home_score,
    r.away_score,
    r.home_rating,
    r.away_rating,
    r.home_rating_after,
    r.away_rating_after,
    r.is_learned,
    r.match_weight,
    r.source_landed_at
from {{ ref('int_team_ratings') }} as r
{%- if is_incremental() %}
    where r.source_landed_at > (
        select coalesce(max(t.source_landed_at), '-infinity'::timestamptz)
        from {{ this }} as t
    ) - {{ lookback() }}
{%- endif %}
