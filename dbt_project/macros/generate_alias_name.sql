{#- Models take the prefix of STREAMING_TABLE_PREFIX, like the streaming tables they read, so a
    test or an evaluation run builds its own relations next to the live ones. Seeds are the
    same for everyone and keep their names. -#}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
    {%- set name = custom_alias_name | trim if custom_alias_name else node.name -%}
    {%- if node.resource_type in ('model', 'snapshot') -%}
        {{ env_var('STREAMING_TABLE_PREFIX', '') }}{{ name }}
    {%- else -%}
        {{ name }}
    {%- endif -%}
{%- endmacro %}
