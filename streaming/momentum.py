"""The 5-minute momentum windows (`team_momentum_5min`), counted by PostgreSQL from the events a
landing batch inserts, in the same statement and transaction.

Per match, team and tumbling window of event time (5 minutes from the epoch, as Spark's `window`
cuts them): shots, shots on target, xG, passes and attacking actions (on-ball actions in the
final third). Shoot-outs are not play. An event counts once, when its `event_id` first lands
(the hot table keeps the first copy), however late it comes: a window is never closed.
"""

from __future__ import annotations

import pyarrow as pa
from psycopg2 import sql

from ingest import vocabulary

# The topic whose landing batches count the windows.
COUNTED = "match_events"
WIDTH = "5 minutes"
SHOT_TYPES = ("SHOT", "GOAL", "PENALTY_GOAL", "PENALTY_MISSED")
ON_BALL_TYPES = ("PASS", "CARRY", "DRIBBLE", *SHOT_TYPES)
FINAL_THIRD = 200 / 3  # location_x is percent of the pitch length, in attack direction
COUNTS = ("shots", "shots_on_target", "xg", "passes", "attacking_actions")
# A window's row as the cold store keeps it (with the batch and the match date added there).
WINDOW_SCHEMA = pa.schema([
    ("match_id", pa.string()), ("team_id", pa.int64()), ("team_name", pa.string()),
    ("window_start", pa.timestamp("us", tz="UTC")), ("window_end", pa.timestamp("us", tz="UTC")),
    ("shots", pa.int64()), ("shots_on_target", pa.int64()), ("xg", pa.float64()), ("passes", pa.int64()),
    ("attacking_actions", pa.int64()), ("landed_at", pa.timestamp("us", tz="UTC")),
])
# The columns of the landed events the counts read.
EVENT_COLUMNS = ("match_id", "team_id", "team_name", "timestamp", "period", "event_type", "outcome", "xg",
                 "location_x", "landed_at")


def _among(column: str, values: tuple[str, ...]) -> sql.Composable:
    return sql.SQL("{} IN ({})").format(sql.Identifier(column), sql.SQL(", ").join(map(sql.Literal, values)))


def count_windows(landed: str, table: str) -> sql.Composable:
    """An INSERT that adds the counts of the events in `landed` (a CTE of a statement that just
    inserted them, returning EVENT_COLUMNS) to the windows of `table` (schema-qualified), as the
    batch `%(batch_id)s`; each window it touches gets the events' landing time."""
    schema, name = table.split(".")
    shot = _among("event_type", SHOT_TYPES)
    on_target = sql.SQL("{goals} OR ({shot} AND {saved})").format(
        goals=_among("event_type", ("GOAL", "PENALTY_GOAL")), shot=shot, saved=_among("outcome", vocabulary.SHOT_ON_TARGET))
    attacking = sql.SQL("{} AND location_x >= {}").format(_among("event_type", ON_BALL_TYPES), sql.Literal(FINAL_THIRD))
    window = sql.SQL("date_bin({width}::interval, \"timestamp\", timestamptz 'epoch')").format(width=sql.Literal(WIDTH))
    added = sql.SQL(", ").join(
        sql.SQL("{0} = {1}.{0} + EXCLUDED.{0}").format(sql.Identifier(count), sql.Identifier(name)) for count in COUNTS)
    return sql.SQL("""
        INSERT INTO {table} (match_id, team_id, team_name, window_start, window_end, shots, shots_on_target, xg, passes,
                             attacking_actions, landed_at, batch_id)
        SELECT match_id, team_id, max(team_name), {window}, {window} + {width}::interval,
               count(*) FILTER (WHERE {shot}), count(*) FILTER (WHERE {on_target}),
               coalesce(sum(xg) FILTER (WHERE {shot}), 0), count(*) FILTER (WHERE event_type = 'PASS'),
               count(*) FILTER (WHERE {attacking}), max(landed_at), %(batch_id)s
        FROM {landed}
        WHERE team_id IS NOT NULL AND period < 5 AND "timestamp" IS NOT NULL
        GROUP BY match_id, team_id, {window}
        ON CONFLICT (match_id, team_id, window_start) DO UPDATE SET {added},
            team_name = greatest({name}.team_name, EXCLUDED.team_name),
            landed_at = EXCLUDED.landed_at, batch_id = EXCLUDED.batch_id
    """).format(table=sql.Identifier(schema, name), window=window, width=sql.Literal(WIDTH), shot=shot,
                on_target=on_target, attacking=attacking, landed=sql.Identifier(landed), added=added,
                name=sql.Identifier(name))


def updated_by(table: str) -> sql.Composable:
    """The windows of `table` (WINDOW_SCHEMA's columns) that a batch (`%(batch_id)s`, landed at
    `%(landed_at)s`) counted in, as it left them: nothing else writes them, and the batch stamped
    each it touched."""
    schema, name = table.split(".")
    return sql.SQL(
        "SELECT {} FROM {} WHERE batch_id = %(batch_id)s AND landed_at = %(landed_at)s ORDER BY match_id, team_id, window_start"
    ).format(sql.SQL(", ").join(map(sql.Identifier, WINDOW_SCHEMA.names)), sql.Identifier(schema, name))
