{#- Poisson probability of `goals` events with expectation `mean` (SQL expression). -#}
{% macro poisson_pmf(mean, goals) -%}
    case
        when ({{ mean }}) <= 0 then case when ({{ goals }}) = 0 then 1.0 else 0.0 end
        else exp(({{ goals }}) * ln({{ mean }}) - ({{ mean }}) - ln(factorial(({{ goals }})::integer)::numeric))
    end
{%- endmacro %}
