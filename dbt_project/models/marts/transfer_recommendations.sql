{{ config(materialized='view') }}

-- The best transfer per position for the fantasy squad of the seed fantasy_squad: the squad
-- player to sell and the player to buy in his place that gain the most recent form. A player's
-- form is his Fantasy Premier League points per 90 minutes over his last N matches (dbt var
-- fantasy_form_matches, default 3): 90 * sum(total_points) / sum(minutes_played) over the last N
-- matches he took part in (minutes > 0), newest by match date, in any competition of the marts,
-- matches under way with their points so far. A form needs at least fantasy_form_min_minutes
-- minutes in those matches (default 90, a full match, so a cameo does not make a form); a player
-- without one is neither sold nor bought here.
--
-- Candidates: players of the same provider and position (fantasy_points' position of their latest
-- match) not in the squad, with a better form than the player sold. Budget: where the outgoing
-- player's price is given (the squad's price: his selling price), the incoming player's price
-- must be known and at most that price plus fantasy_budget_in_bank (default 0). Real prices are
-- the official FPL API's `now_cost` / 10 (GBP millions, bootstrap-static's elements) for Premier
-- League players, in the seed fantasy_player_prices; StatsBomb's tournaments have no prices, so
-- for them the price is null and the budget rule is skipped. Ties of the gain go to the lower
-- player ids (out, then in), so the choice is stable.
{% set form_matches = var('fantasy_form_matches', 3) | int %}
{% set form_min_minutes = var('fantasy_form_min_minutes', 90) | int %}
{% set budget_in_bank = var('fantasy_budget_in_bank', 0) | float %}
with match_days as (
    select * from {{ ref('int_match_info') }}
),

appearances as (
    select
        split_part(f.match_id, ':', 1) as provider,  -- noqa: RF04
        f.player_id,
        f.player_name,
        f.team,
        f.position,
        f.minutes_played,
        f.total_points,
        row_number() over (
            partition by split_part(f.match_id, ':', 1), f.player_id
            order by m.match_date desc nulls last, f.match_id desc
        ) as recency
    from {{ ref('fantasy_points') }} as f
    inner join match_days as m on f.match_id = m.match_id
    where f.minutes_played > 0
),

form as (
    select
        provider,
        player_id,
        min(player_name) filter (where recency = 1) as player_name,
        min(team) filter (where recency = 1) as team,
        min(position) filter (where recency = 1) as position,
        sum(minutes_played)::bigint as form_minutes,
        90 * sum(total_points) / sum(minutes_played) as form
    from appearances
    where recency <= {{ form_matches }}
    group by provider, player_id
    having sum(minutes_played) >= {{ form_min_minutes }}
),

squad as (
    select
        s.provider,
        s.player_id,
        s.player_name,
        s.team,
        s.position,
        s.price,
        f.form,
        f.form_minutes
    from {{ ref('fantasy_squad') }} as s
    inner join form as f on s.provider = f.provider and s.player_id = f.player_id
),

candidates as (
    select
        f.*,
        p.price
    from form as f
    left join {{ ref('fantasy_player_prices') }} as p on f.provider = p.provider and f.player_id = p.player_id
    where not exists (
        select from {{ ref('fantasy_squad') }} as s
        where s.provider = f.provider and s.player_id = f.player_id
    )
),

swaps as (
    select
        s.position,
        s.provider,
        s.player_id as player_out_id,
        s.player_name as player_out,
        s.team as player_out_team,
        s.price as player_out_price,
        s.form as player_out_form,
        s.form_minutes as player_out_minutes,
        c.player_id as player_in_id,
        c.player_name as player_in,
        c.team as player_in_team,
        c.price as player_in_price,
        c.form as player_in_form,
        c.form_minutes as player_in_minutes,
        c.form - s.form as form_gain,
        s.price + {{ budget_in_bank }} as budget,
        row_number() over (
            partition by s.position
            order by c.form - s.form desc, s.player_id asc, c.player_id asc
        ) as choice
    from squad as s
    inner join candidates as c on s.provider = c.provider and s.position = c.position
    where
        c.form > s.form
        and (s.price is null or c.price <= s.price + {{ budget_in_bank }})
)

select
    position,
    provider,
    player_out_id,
    player_out,
    player_out_team,
    player_out_price,
    player_out_form,
    player_out_minutes,
    player_in_id,
    player_in,
    player_in_team,
    player_in_price,
    player_in_form,
    player_in_minutes,
    form_gain,
    budget
from swaps
where choice = 1
