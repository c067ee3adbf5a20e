{{ config(materialized='view') }}

-- The win probabilities of win_probability one row per outcome, each named as a fan says it
-- ("Spain win", "Draw", "Portugal win"): a chart grouped by outcome then draws one line per
-- outcome labelled with the match's teams, which a metric's label cannot be. A view: as live
-- as the mart it reads.
select
    w.match_id,
    w.minute,
    o.outcome_order,
    o.outcome,
    o.probability
from {{ ref('win_probability') }} as w
inner join {{ ref('scoreboard') }} as s on w.match_id = s.match_id
cross join lateral (
    values
    (1, s.home_team || ' win', w.p_home),
    (2, 'Draw', w.p_draw),
    (3, s.away_team || ' win', w.p_away)
) as o (outcome_order, outcome, probability)
