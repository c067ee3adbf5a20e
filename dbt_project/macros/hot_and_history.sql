{#- A landed table as the serving layer reads it: the hot rows of schema `streaming` (the speed
    layer, purged after STREAMING_HOT_RETENTION_DAYS) and, where the batch layer has filled it, the
    same table in schema `history` (the cold store's Silver rows, never purged;
    streaming/batch_layer.py). A key in both is read from the hot table, so a live match always
    comes from the speed layer and a purged one from history, and every model above staging is one
    definition over both. Without a history table it is the hot table alone. -#}
{% macro hot_and_history(table, key=['event_id']) -%}
    {%- set hot = source('streaming', table) -%}
    {%- set history = adapter.get_relation(database=hot.database, schema='history', identifier=hot.identifier) if execute else none -%}
    {%- if history is none -%}
        {{ hot }}
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(hot) | map(attribute='name') | list -%}
        (
            select {{ columns | join(', ') }} from {{ hot }}
            union all
            select {{ columns | join(', ') }} from {{ history }} as h
            where not exists (
                select from {{ hot }} as s
                where {% for k in key %}s.{{ k }} = h.{{ k }}{{ ' and ' if not loop.last }}{% endfor %}
            )
        ) as {{ table }}
    {%- endif -%}
{%- endmacro %}
