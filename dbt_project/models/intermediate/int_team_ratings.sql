-- Both teams' Elo ratings at the kick-off of every match the pipeline knows and, once the
-- match is FINISHED, after it: World Football Elo (eloratings.net) with its match-importance
-- weight K and goal-difference multiplier G (macros/elo.sql), walked match by match in order of
-- kick-off (match day, then match id). A shoot-out counts as the draw it was after extra time.
--
-- Where the ratings start: the seed elo_ratings holds every national team's rating history
-- from all international results up to its last day (var ratings_seed_through, default that
-- day). A match on or before that day takes the seed's ratings from before its match day and
-- changes nothing (the seed already knows its result). Every later match starts from the
-- seed's rating of that day, or from the rating the pipeline's own earlier matches left, and
-- moves it. Teams the seed does not know (club teams) start at the prior of 1500, eloratings'
-- initial rating, and learn from every match the pipeline sees.
--
-- Incremental: the matches landed since the last run, and every later one, are walked again
-- from the ratings the earlier matches left, so a replay of history (or a full refresh) gives
-- the same ratings as the match-by-match path, whatever order the results arrived in.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='match_id') }}

{%- set seed_through = var('ratings_seed_through', none) %}

with recursive changed as (
    {{ changed_matches([ref('stg_streaming__live_matches')]) }}
),

seed_through as (
    -- The last day the seed's ratings speak for: the var, else the seed's last day (one row).
    select
        coalesce({{ "'" ~ seed_through ~ "'::date" if seed_through else 'null::date' }}, max(rated_after)) as last_day
    from {{ ref('elo_ratings') }}
),

matches as (
    select
        s.match_id,
        -- A feed without a match day: the day of its latest snapshot.
        coalesce(s.match_date, s.updated_at::date) as match_date,
        s.competition,
        s.home_team,
        s.away_team,
        s.is_neutral_venue,
        s.status = 'FINISHED' as is_finished,
        s.home_score,
        s.away_score,
        ch.source_landed_at
    from {{ ref('int_match_results') }} as s
    left join changed as ch on s.match_id = ch.match_id
    where coalesce(s.match_date, s.updated_at::date) is not null
),

walk_from as (
    -- The earliest match to walk again: the first changed one.
    select
        m.match_date,
        m.match_id
    from matches as m
    where m.source_landed_at is not null
    order by m.match_date, m.match_id
    limit 1
),

{% if is_incremental() %}
    earlier as (
    -- Each team's rating after its last match before the walk starts, from this model.
        select distinct on (team)
            team,
            rating
        from (
            select
                side.team,
                side.rating,
                t.match_date,
                t.match_id
            from {{ this }} as t
            cross join
                lateral (
                    values
                    (t.home_team, coalesce(t.home_rating_after, t.home_rating)),
                    (t.away_team, coalesce(t.away_rating_after, t.away_rating))
                ) as side (team, rating)
            where
                t.is_learned and (t.match_date, t.match_id) < (select
                    walk_from.match_date,
                    walk_from.match_id
                from walk_from)
        ) as played
        order by team asc, match_date desc, match_id desc
    ),
{% endif %}

seeded as (
    -- Each team's last seed rating on or before the seed's last day.
    select distinct on (e.team)
        e.team,
        e.rating::double precision as rating
    from {{ ref('elo_ratings') }} as e
    cross join seed_through
    where e.rated_after <= seed_through.last_day
    order by e.team asc, e.rated_after desc
),

start_ratings as (
    select
        coalesce((select jsonb_object_agg(seeded.team, seeded.rating) from seeded), '{}'::jsonb)
        {%- if is_incremental() %}
            || coalesce((select jsonb_object_agg(earlier.team, earlier.rating) from earlier), '{}'::jsonb)
        {%- endif %} as ratings
),

to_walk as (
    select
        m.*,
        row_number() over (order by m.match_date, m.match_id) as step
    from matches as m
    cross join seed_through
    where
        m.match_date > seed_through.last_day
        {% if is_incremental() %}
            and (m.match_date, m.match_id) >= (select
                walk_from.match_date,
                walk_from.match_id
            from walk_from)
        {% endif %}
),

walk as (
    select
        0::bigint as step,
        ratings,
        null::double precision as home_rating,
        null::double precision as away_rating,
        null::double precision as rating_change
    from start_ratings
    union all
    select
        w.step + 1 as step,
        case
            when m.is_finished
                then w.ratings || jsonb_build_object(
                    m.home_team, r.home_rating + r.rating_change, m.away_team, r.away_rating - r.rating_change
                )
            else w.ratings
        end as ratings,
        r.home_rating,
        r.away_rating,
        r.rating_change
    from walk as w
    inner join to_walk as m on w.step + 1 = m.step
    cross join lateral (
        select
            kickoff.home_rating,
            kickoff.away_rating,
            case
                when m.is_finished then
                    {{ elo_match_weight('m.competition') }}
                    * {{ elo_goal_difference_multiplier('m.home_score - m.away_score') }}
                    * (
                        case
                            when m.home_score > m.away_score then 1.0 when m.home_score = m.away_score then 0.5 else 0.0
                        end
                        - {{ elo_expected_home('kickoff.home_rating', 'kickoff.away_rating', 'm.is_neutral_venue') }}
                    )
            end as rating_change
        from (
            select
                coalesce((w.ratings ->> m.home_team)::double precision, 1500.0) as home_rating,
                coalesce((w.ratings ->> m.away_team)::double precision, 1500.0) as away_rating
        ) as kickoff
    ) as r
),

learned as (
    select
        m.match_id,
        w.home_rating,
        w.away_rating,
        w.home_rating + w.rating_change as home_rating_after,
        w.away_rating - w.rating_change as away_rating_after,
        true as is_learned
    from walk as w
    inner join to_walk as m on w.step = m.step
),

historic as (
    -- Matches the seed already knows: its ratings from before the match day.
    select
        m.match_id,
        coalesce((
            select e.rating from {{ ref('elo_ratings') }} as e
            where e.team = m.home_team and e.rated_after < m.match_date
            order by e.rated_after desc limit 1
        ), 1500.0)::double precision as home_rating,
        coalesce((
            select e.rating from {{ ref('elo_ratings') }} as e
            where e.team = m.away_team and e.rated_after < m.match_date
            order by e.rated_after desc limit 1
        ), 1500.0)::double precision as away_rating,
        null::double precision as home_rating_after,
        null::double precision as away_rating_after,
        false as is_learned
    from matches as m
    cross join seed_through
    where
        m.match_date <= seed_through.last_day
        and m.source_landed_at is not null
),

rated as (
    select * from learned
    union all
    select * from historic
)

select
    m.match_id,
    m.match_date,
    m.competition,
    m.home_team,
    m.away_team,
    m.is_neutral_venue,
    m.is_finished,
    m.home_score,
    m.away_score,
    r.home_rating,
    r.away_rating,
    r.home_rating_after,
    r.away_rating_after,
    r.is_learned,
    {{ elo_match_weight('m.competition') }} as match_weight,
    coalesce(m.source_landed_at, (select max(c.source_landed_at) from changed as c)) as source_landed_at
from rated as r
inner join matches as m on r.match_id = m.match_id
