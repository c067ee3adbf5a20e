"""The 5-minute momentum windows, counted by PostgreSQL in the statement that lands a batch of
events (streaming/momentum.py), on tables of a test prefix. Expected counts are worked out by
hand from the rules the module states: shots are SHOT, GOAL, PENALTY_GOAL and PENALTY_MISSED; on
target, a goal or a shot whose outcome is GOAL or SAVED; attacking actions, passes, carries,
dribbles and shots at location_x >= 200/3; shoot-outs (period 5) and events without a team do
not count; windows are 5 minutes of event time from the epoch (15:00, 15:05, ...)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pytest

from streaming.sinks import accepted_rows, land_batch, stamped, windows_updated

pytestmark = pytest.mark.integration

EVENT = pa.schema([
    ("event_id", pa.string()), ("match_id", pa.string()), ("team_id", pa.int64()), ("team_name", pa.string()),
    ("timestamp", pa.timestamp("us", tz="UTC")), ("period", pa.int64()), ("event_type", pa.string()),
    ("outcome", pa.string()), ("xg", pa.float64()), ("location_x", pa.float64()), ("raw", pa.string()),
    ("kafka_topic", pa.string()), ("kafka_partition", pa.int32()), ("kafka_offset", pa.int64()),
])


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 1, 1, 15, 0, tzinfo=timezone.utc) + timedelta(minutes=minute, seconds=second)


def rows(events: list[tuple], first_offset: int = 0) -> pa.Table:
    names = EVENT.names[:10]
    return pa.Table.from_pylist([
        {**dict(zip(names, event)), "raw": json.dumps({"event_id": event[0]}), "kafka_topic": "match-events",
         "kafka_partition": 0, "kafka_offset": first_offset + i}
        for i, event in enumerate(events)
    ], schema=EVENT)


def land(pg_conn, prefix: str, events: pa.Table, batch_id: int, landed: datetime) -> None:
    upsert = accepted_rows(f"streaming.{prefix}match_events", stamped(events, landed), f"streaming.{prefix}team_momentum_5min")
    assert land_batch(pg_conn, f"streaming.{prefix}landed_batches", "checkpoints/land-match_events", batch_id, [upsert], 0,
                      landed=landed)


def windows(pg_conn, prefix: str) -> dict[tuple, tuple]:
    with pg_conn.cursor() as cursor:
        cursor.execute(f"select team_id, team_name, window_start, window_end, shots, shots_on_target, round(xg::numeric, 6),"
                       f" passes, attacking_actions, batch_id from streaming.{prefix}team_momentum_5min")
        return {(team, start): (name, end, shots, on_target, float(xg), passes, attacking, batch)
                for team, name, start, end, shots, on_target, xg, passes, attacking, batch in cursor.fetchall()}


def test_windows_count_each_event_once_when_it_first_lands_late_or_not(pg_conn, table_prefix):
    first = rows([
        ("a", "m", 1, "Home", at(1), 1, "SHOT", "SAVED", 0.1, 90.0),        # on target, final third
        ("b", "m", 1, "Home", at(2), 1, "SHOT", "OFF_TARGET", 0.2, 85.0),   # off target
        ("c", "m", 1, "Home", at(3), 1, "PASS", "COMPLETE", None, 70.0),    # final third: attacking
        ("d", "m", 1, "Home", at(4), 1, "PASS", "INCOMPLETE", None, 40.0),  # own half
        ("e", "m", 1, "Home", at(6), 1, "GOAL", "GOAL", 0.5, 95.0),         # the next window
        ("f", "m", 2, "Away", at(4, 59), 1, "PENALTY_MISSED", "SAVED", 0.76, 89.0),
        ("g", "m", 2, "Away", at(12), 5, "SHOOTOUT_GOAL", "GOAL", None, 89.0),  # the shoot-out is not play
        ("h", "m", None, None, at(4), 1, "HALF_TIME", None, None, None),     # no team
    ])
    land(pg_conn, table_prefix, first, 0, at(30))
    assert windows(pg_conn, table_prefix) == {
        (1, at(0)): ("Home", at(5), 2, 1, 0.3, 2, 3, 0),
        (1, at(5)): ("Home", at(10), 1, 1, 0.5, 0, 1, 0),
        (2, at(0)): ("Away", at(5), 1, 1, 0.76, 0, 1, 0),
    }

    # A later batch: the provider's repeat of "a" counts no more; a shot 40 minutes late still counts.
    second = rows([
        ("a", "m", 1, "Home", at(1), 1, "SHOT", "SAVED", 0.1, 90.0),
        ("i", "m", 1, "Home", at(2, 30), 1, "SHOT", "OFF_TARGET", 0.05, 60.0),
    ], first_offset=8)
    land(pg_conn, table_prefix, second, 1, at(45))
    assert windows(pg_conn, table_prefix) == {
        (1, at(0)): ("Home", at(5), 3, 1, 0.35, 2, 3, 1),
        (1, at(5)): ("Home", at(10), 1, 1, 0.5, 0, 1, 0),
        (2, at(0)): ("Away", at(5), 1, 1, 0.76, 0, 1, 0),
    }

    # The cold copy of each batch: the windows it counted in, as it left them.
    updated = windows_updated(pg_conn, f"streaming.{table_prefix}team_momentum_5min", 1, at(45)).to_pylist()
    assert [(w["team_id"], w["window_start"], w["shots"], w["batch_id"], w["match_date"]) for w in updated] == [
        (1, at(0), 3, 1, at(0).date())]
    assert len(windows_updated(pg_conn, f"streaming.{table_prefix}team_momentum_5min", 0, at(30))) == 2


def test_a_batch_whose_events_all_landed_before_counts_nothing(pg_conn, table_prefix):
    shot = ("a", "m", 1, "Home", at(1), 1, "GOAL", "GOAL", 0.4, 95.0)
    land(pg_conn, table_prefix, rows([shot]), 0, at(30))
    land(pg_conn, table_prefix, rows([shot, shot], first_offset=1), 1, at(31))
    assert windows(pg_conn, table_prefix) == {(1, at(0)): ("Home", at(5), 1, 1, 0.4, 0, 1, 0)}
    assert len(windows_updated(pg_conn, f"streaming.{table_prefix}team_momentum_5min", 1, at(31))) == 0
