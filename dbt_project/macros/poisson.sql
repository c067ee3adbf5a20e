{#- Poisson probability of `goals` events with expectation `mean` (SQL expression). In double
    precision throughout: numeric logarithms made the win-probability model 50x slower. -#}
{% macro poisson_pmf(mean, goals) -%}
    case
        when ({{ mean }}) <= 0 then case when ({{ goals }}) = 0 then 1.0 else 0.0 end
        else exp(({{ goals }}) * ln(({{ mean }})::double precision) - ({{ mean }}) - ln(factorial(({{ goals }})::integer)::double precision))
    end
{%- endmacro %}
