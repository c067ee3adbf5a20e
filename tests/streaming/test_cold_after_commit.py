"""A landing batch is visible in PostgreSQL before its Parquet files are written (sinks.Sink). A crash
between the two leaves a batch that PostgreSQL has and the cold store lacks; Spark then replays it,
and the lander must write its files (and only them) with the rows' landing time from PostgreSQL."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from streaming import job, transforms
from streaming.settings import Settings
from streaming.sinks import TopicLander
from test_validation import kafka_rows

pytestmark = [pytest.mark.integration]

TOPIC = "match-events"


@pytest.fixture
def settings(lander_settings):
    return lander_settings


def _cold_rows(settings: Settings) -> list[tuple]:
    files = sorted(Path(settings.parquet_root).glob(f"topic={settings.topics['match_events']}/*/*.parquet"))
    if not files:
        return []
    table = ds.dataset(files, format="parquet").to_table(columns=["event_id", "landed_at"])
    return sorted(zip(table["event_id"].to_pylist(), table["landed_at"].to_pylist()))


def test_a_replayed_batch_that_postgres_has_writes_only_its_parquet_files(spark, settings, pg_conn, russia_saudi_messages):
    contract = job.load_contracts(settings)["match_events"]
    events = [json.dumps(m["value"]).encode() for m in russia_saudi_messages if m["topic"] == TOPIC][:300]
    batch = transforms.for_lander(kafka_rows(spark, TOPIC, events))
    spark.sparkContext.setLocalProperty("sql.streaming.queryId", str(uuid.uuid4()))  # what a streaming query's batch carries
    lander = TopicLander(settings, f"{settings.checkpoint_dir}/land-match_events", "match_events", contract)
    table = settings.table("match_events")
    try:
        lander(batch, 0)
        with pg_conn.cursor() as cursor:
            cursor.execute(f"SELECT event_id, landed_at FROM {table} ORDER BY event_id")
            hot = sorted(cursor.fetchall())
        assert len(hot) == len({json.loads(e)["event_id"] for e in events}) == 300
        assert len({landed for _, landed in hot}) == 1  # a batch's rows carry one landing time
        assert _cold_rows(settings) == hot  # the cold copy carries the hot rows' landing time

        # A crash after the PostgreSQL commit, before the files: the cold store lacks the batch.
        for root, _, files in os.walk(settings.parquet_root):
            for name in files:
                os.remove(os.path.join(root, name))
        assert _cold_rows(settings) == []
        lander(batch, 0)  # Spark replays the batch
        assert _cold_rows(settings) == hot
        with pg_conn.cursor() as cursor:
            cursor.execute(f"SELECT count(*), count(DISTINCT batch_id) FROM {table}")
            assert cursor.fetchone() == (300, 1)
            cursor.execute(f"SELECT landed_at FROM {settings.table('landed_batches')}")
            assert cursor.fetchall() == [(hot[0][1],)]  # one batch, and the time its rows carry
    finally:
        spark.sparkContext.setLocalProperty("sql.streaming.queryId", None)
        lander._drop_connection()
