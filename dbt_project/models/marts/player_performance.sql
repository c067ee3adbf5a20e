{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Each player's numbers in a match: the newest running statistics the feed sent (the final
-- ones once the match is over), with our own xG of the player's shots next to the provider's.
-- A figure the provider does not measure stays null (never 0): API-Football gives no player
-- xG, and its events carry no pitch locations, so no shot of its matches has our xG either.
-- The match rating (0-10) maps FPL's bonus points system onto the scale of Sofascore's ratings.
with changed as (
    {{ changed_matches([ref('stg_streaming__player_live_stats'), ref('stg_streaming__match_events')]) }}
),

latest as (
    {{ latest_stats(ref('stg_streaming__player_live_stats'), 'player_id') }}
),

model_xg as (
    select
        match_id,
        player_id,
        sum(xg) as model_xg
    from {{ ref('int_shots_xg') }}
    where match_id in (select changed.match_id from changed)
    group by match_id, player_id
),

bps as (
    select
        match_id,
        player_id,
        bps
    from {{ ref('int_fantasy_bps') }}
    where match_id in (select changed.match_id from changed)
),

located as (
    -- Matches whose events come with pitch locations: those our xG model can score.
    select distinct e.match_id
    from {{ ref('stg_streaming__match_events') }} as e
    where e.match_id in (select changed.match_id from changed) and e.location_x is not null
)

select
    l.match_id,
    l.provider,
    l.player_id,
    l.player_name,
    l.team,
    l.team_side,
    l.minutes_played,
    l.goals,
    l.assists,
    {{ shot_and_pass_figures('l') }},
    l.tackles,
    l.interceptions,
    l.yellow_cards,
    l.red_cards,
    l.is_final,
    l.recorded_at as updated_at,
    c.source_landed_at,
    case when loc.match_id is not null then coalesce(x.model_xg, 0) end as model_xg,
    -- The 0-10 match rating: FPL's bonus points system (int_fantasy_bps) on the scale fans know
    -- from Sofascore and FotMob: 6.0 for a quiet match, + 1 per 10 BPS, between 3.0 and 10.0;
    -- none under 10 minutes played (too little to rate), as those apps do.
    case
        when l.minutes_played >= 10 and b.bps is not null
            then round(least(10.0, greatest(3.0, 6.0 + b.bps / 10.0)), 1)
    end as rating
from latest as l
inner join changed as c on l.match_id = c.match_id
left join model_xg as x on l.match_id = x.match_id and l.player_id = x.player_id
left join located as loc on l.match_id = loc.match_id
left join bps as b on l.match_id = b.match_id and l.player_id = b.player_id
where l.recency = 1
