{#- World Football Elo (eloratings.net), the same rules as dbt_project/fitting/elo.py; both must
    change together. Ratings are double precision; the seed rounds to 0.1. -#}

{#- K: the weight of a match by its importance. -#}
{% macro elo_match_weight(competition) -%}
    case
        when ({{ competition }}) = 'FIFA World Cup' then 60.0
        when ({{ competition }}) in (
            'UEFA Euro', 'Copa América', 'African Cup of Nations', 'AFC Asian Cup', 'Gold Cup',
            'Confederations Cup', 'CONCACAF Championship', 'Oceania Nations Cup'
        ) then 50.0
        when ({{ competition }}) like '%qualification%' or ({{ competition }}) like '%Nations League%' then 40.0
        when ({{ competition }}) = 'Friendly' then 20.0
        else 30.0
    end
{%- endmacro %}

{#- G: 1 for a win by one goal or a draw, 1.5 by two goals, (11 + N) / 8 by N >= 3. -#}
{% macro elo_goal_difference_multiplier(goal_difference) -%}
    case
        when abs({{ goal_difference }}) <= 1 then 1.0
        when abs({{ goal_difference }}) = 2 then 1.5
        else (11.0 + abs({{ goal_difference }})) / 8.0
    end
{%- endmacro %}

{#- W_e: the expected result of the home team (a win counts 1, a draw 0.5); 100 points of
    home advantage unless the venue is neutral. -#}
{% macro elo_expected_home(home_rating, away_rating, is_neutral_venue) -%}
    1.0 / (power(10.0::double precision, -((({{ home_rating }}) - ({{ away_rating }})
        + case when ({{ is_neutral_venue }}) then 0.0 else 100.0 end)) / 400.0) + 1.0)
{%- endmacro %}
