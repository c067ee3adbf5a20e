{#- The matches an incremental mart rebuilds: those with rows landed since its last run, with
    the newest landing time of each. A mart is rebuilt match by match (delete+insert on
    match_id), so corrections replace rows instead of adding to them. The look-back covers
    rows whose landing transaction began before the last run but committed after it. -#}
{% macro changed_matches(relations) -%}
    select
        match_id,
        max(landed_at) as source_landed_at
    from (
        {%- for relation in relations %}
        select match_id, landed_at from {{ relation }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as landed
    group by match_id
    {%- if is_incremental() %}
    having max(landed_at) > (
        select coalesce(max(source_landed_at), '-infinity'::timestamptz)
        from {{ this }}
    ) - interval '{{ var("incremental_lookback_minutes", 10) }} minutes'
    {%- endif %}
{%- endmacro %}
