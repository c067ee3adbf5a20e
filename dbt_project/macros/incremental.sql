{#- The matches an incremental mart rebuilds: those with rows landed since its last run, with
    the newest landing time of each. A mart is rebuilt match by match (delete+insert on
    match_id), so corrections replace rows instead of adding to them. The look-back covers
    rows whose landing transaction began before the last run but committed after it. -#}
{% macro changed_matches(relations) -%}
    select
        match_id,
        max(landed_at) as source_landed_at
    from (
        {#- The newest rows only, found by the landed_at indexes of the hot and history tables: a cycle
            when nothing landed reads no row (a HAVING over all rows scanned every table every cycle).
            A match with a row past the cut-off has its newest landing time among those rows. #}
        {%- for relation in relations %}
        select match_id, landed_at from {{ relation }}
        {%- if is_incremental() %}
        where landed_at > {{ landed_cutoff() }}
        {%- endif %}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as landed
    group by match_id
{%- endmacro %}


{#- How far before the newest landing time a mart has seen it reads again: rows whose landing
    transaction began before its last run but committed after it (var incremental_lookback_minutes). -#}
{% macro lookback() -%}
    interval '{{ var("incremental_lookback_minutes", 10) }} minutes'
{%- endmacro %}


{#- The landing time from which an incremental mart rebuilds: the newest source row it has seen, less
    the look-back; a literal, read once per build, so PostgreSQL can use the indexes on landed_at
    through the staging views and the union of hot and history. -#}
{% macro landed_cutoff() -%}
    {%- if execute -%}
        {%- set newest = run_query(
            "select coalesce(max(source_landed_at), '-infinity'::timestamptz)::text from " ~ this
        ).columns[0].values()[0] -%}
        '{{ newest }}'::timestamptz - {{ lookback() }}
    {%- else -%}
        '-infinity'::timestamptz
    {%- endif -%}
{%- endmacro %}
