{#- `+schema: marts` means the schema `marts` itself, not `<target schema>_marts`:
    the stack creates staging and marts, and the writer role cannot create schemas. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
