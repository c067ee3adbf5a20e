"""A batch's rows land in PostgreSQL by streaming.sinks.land_batch (COPY into a temporary table, then
INSERT ... ON CONFLICT). A key repeated inside one batch (a provider sending an event again) lands once,
its first copy in Kafka order, whether the batch's keys are unique or not; on real events of Russia 5-0
Saudi Arabia (see data/NOTICE.md)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from streaming import batches
from streaming.sinks import Upsert, land_batch

pytestmark = pytest.mark.integration


def _events(messages: list[dict], count: int) -> list[dict]:
    return [m["value"] for m in messages if m["topic"] == "match-events"][:count]


def _rows(events: list[dict], offsets: list[int]) -> pa.Table:
    return pa.Table.from_pylist([
        {"event_id": e["event_id"], "match_id": e["match_id"], "raw": json.dumps(e), "kafka_topic": "match-events",
         "kafka_partition": 0, "kafka_offset": offset}
        for e, offset in zip(events, offsets)
    ])


def _land(pg_conn, prefix: str, rows: pa.Table, batch_id: int) -> None:
    assert land_batch(pg_conn, f"streaming.{prefix}landed_batches", "checkpoints/land-match_events", batch_id,
                      [Upsert(table=f"streaming.{prefix}match_events", rows=rows, key=("event_id",),
                              order_by=("kafka_partition", "kafka_offset"))], 0)


def _landed(pg_conn, prefix: str) -> dict[str, int]:
    with pg_conn.cursor() as cursor:
        cursor.execute(f"select event_id, kafka_offset from streaming.{prefix}match_events")
        return dict(cursor.fetchall())


def test_a_batch_without_repeats_lands_every_row(pg_conn, table_prefix, russia_saudi_messages):
    events = _events(russia_saudi_messages, 300)
    rows = _rows(events, list(range(300)))
    assert batches.unique(rows, ("event_id",))
    _land(pg_conn, table_prefix, rows, 0)
    assert _landed(pg_conn, table_prefix) == {e["event_id"]: offset for offset, e in enumerate(events)}


def test_a_key_repeated_in_a_batch_lands_its_first_copy_in_kafka_order(pg_conn, table_prefix, russia_saudi_messages):
    first, second = _events(russia_saudi_messages, 2)
    # The repeat of `first` (offset 7) comes before its first copy (offset 3) in the batch's rows.
    rows = _rows([first, second, first], [7, 5, 3])
    assert not batches.unique(rows, ("event_id",))
    _land(pg_conn, table_prefix, rows, 0)
    assert _landed(pg_conn, table_prefix) == {first["event_id"]: 3, second["event_id"]: 5}


def test_unique_compares_whole_keys():
    rows = pa.table({"topic": ["a", "a", "b"], "partition": [0, 1, 0], "offset": [5, 5, 5]})
    assert batches.unique(rows, ("topic", "partition", "offset"))
    assert not batches.unique(rows, ("topic", "offset"))
    assert batches.unique(rows.slice(0, 1), ("topic",))
