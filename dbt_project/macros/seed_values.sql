{#- One row with the values of a key/value seed (xg_coefficients, momentum_weights,
    win_probability_parameters) as columns: `columns` maps each key to its column name,
    a name may end in a cast (`max_goals::integer`). -#}
{% macro seed_values(relation, key_column, value_column, columns) -%}
    select
    {%- for key, column in columns.items() %}
        {%- set name, cast = (column ~ '::').split('::')[:2] %}
        max(case when {{ key_column }} = '{{ key }}' then {{ value_column }} end){{ '::' ~ cast if cast }} as {{ name }}
        {{- ',' if not loop.last }}
    {%- endfor %}
    from {{ relation }}
{%- endmacro %}

{#- The rows of `relation` of the matches in the CTE `changed`, filtered so that a view applies the
    filter before it aggregates (a semi-join would come after: = any(array(...)) is a plain condition). -#}
{% macro rows_of_changed_matches(relation) -%}
    select r.*
    from {{ relation }} as r
    where r.match_id = any(array(select changed.match_id from changed))
{%- endmacro %}
