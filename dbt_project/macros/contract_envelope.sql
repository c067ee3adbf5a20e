{#- The message envelope: the fields every topic's contract requires (ingest/contracts/, their one
    home; "Rules shared by all four" in its README), in the contracts' order, under the names staging
    gives them (`timestamp`, the event time, is `recorded_at`). A staging model selects it first,
    then its topic's own fields; `without` leaves out fields it does not expose.
    tests/dbt/test_contract_envelope.py keeps the list equal to the contracts. -#}
{% macro contract_envelope(without=[]) -%}
    {%- set envelope = {
        'schema_version': 'schema_version',
        'event_id': 'event_id',
        'match_id': 'match_id',
        'provider': 'provider',
        'timestamp': 'timestamp as recorded_at',
        'period': 'period',
        'minute': 'minute',
        'second': 'second',
        'added_time': 'added_time',
        'sequence': 'sequence'
    } -%}
    {%- for field, column in envelope.items() if field not in without -%}
        {{ ',\n    ' if not loop.first }}{{ column }}
    {%- endfor %}
{%- endmacro %}

{#- What the two running-statistics topics (player-live-stats, team-live-stats) carry after the
    envelope, before their figures: whether the figures are final, and the team. -#}
{% macro running_stats_envelope() -%}
    is_final,
    team_id,
    team_name as team,
    team_side
{%- endmacro %}
