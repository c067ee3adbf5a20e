{#- The probability that the next goal is `side`'s when `side_left` and `other_left` goals are
    still expected: both follow the same time profile, so the first goal is `side`'s with
    probability side / (side + other), and one comes at all with 1 - e^-(side + other). -#}
{% macro next_goal_probability(side_left, other_left) -%}
    case
        when {{ side_left }} + {{ other_left }} > 0
            then
                {{ side_left }} / ({{ side_left }} + {{ other_left }})
                * (1 - exp(-({{ side_left }} + {{ other_left }})))
        else 0
    end
{%- endmacro %}
