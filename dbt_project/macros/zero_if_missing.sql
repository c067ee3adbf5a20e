{#- `coalesce(<column>, 0) as <name>` for each qualified column (`x.goals`): a count or points read
    through a left join, where a missing row means none, so 0 rather than null. -#}
{% macro zero_if_missing(columns) -%}
    {%- for column in columns -%}
        {{ ',\n    ' if not loop.first }}coalesce({{ column }}, 0) as {{ column.split('.')[-1] }}
    {%- endfor %}
{%- endmacro %}
