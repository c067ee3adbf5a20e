{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

-- Each player's numbers in a match: the newest running statistics the feed sent (the final
-- ones once the match is over), with our own xG of the player's shots next to the provider's.
with changed as (
    {{ changed_matches([ref('stg_streaming__player_live_stats'), ref('stg_streaming__match_events')]) }}
),

latest as (
    select
        s.*,
        row_number() over (
            partition by s.match_id, s.player_id
            order by s.is_final desc, s.sequence desc, s.recorded_at desc
        ) as recency
    from {{ ref('stg_streaming__player_live_stats') }} as s
    where s.match_id in (select changed.match_id from changed)
),

model_xg as (
    select
        match_id,
        player_id,
        sum(xg) as model_xg
    from {{ ref('shot_xg') }}
    where match_id in (select changed.match_id from changed)
    group by match_id, player_id
)

select
    l.match_id,
    l.player_id,
    l.player_name,
    l.team,
    l.team_side,
    l.minutes_played,
    l.goals,
    l.assists,
    l.shots,
    l.shots_on_target,
    l.xg,
    l.passes,
    l.passes_completed,
    l.pass_accuracy,
    l.tackles,
    l.interceptions,
    l.yellow_cards,
    l.red_cards,
    l.is_final,
    l.recorded_at as updated_at,
    c.source_landed_at,
    coalesce(x.model_xg, 0) as model_xg
from latest as l
inner join changed as c on l.match_id = c.match_id
left join model_xg as x on l.match_id = x.match_id and l.player_id = x.player_id
where l.recency = 1
