"""A landing batch is visible in PostgreSQL before its Parquet files are (sinks.Sink): the lander
writes them under hidden names while PostgreSQL lands the batch and shows them after the commit;
a batch PostgreSQL refuses leaves no file. A crash between the commit and the files leaves a batch
that PostgreSQL has and the cold store lacks; Spark then replays it, and the lander must write its
files (and only them) with the rows' landing time from PostgreSQL."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from pathlib import Path

import psycopg2.errors
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


def _files(settings: Settings) -> tuple[list[str], list[str]]:
    """(the cold store's visible Parquet files, its hidden ones), by name."""
    names = [name for _, _, files in os.walk(settings.parquet_root) for name in files]
    return sorted(n for n in names if not n.startswith(".")), sorted(n for n in names if n.startswith("."))


@pytest.fixture
def events_batch(spark, russia_saudi_messages):
    events = [json.dumps(m["value"]).encode() for m in russia_saudi_messages if m["topic"] == TOPIC][:300]
    spark.sparkContext.setLocalProperty("sql.streaming.queryId", str(uuid.uuid4()))  # what a streaming query's batch carries
    yield transforms.for_lander(kafka_rows(spark, TOPIC, events))
    spark.sparkContext.setLocalProperty("sql.streaming.queryId", None)


def test_files_are_written_while_postgres_lands_and_shown_after_its_commit(settings, pg_conn, events_batch):
    lander = TopicLander(settings, f"{settings.checkpoint_dir}/land-match_events", "match_events", job.load_contracts(settings)["match_events"])
    blocker = settings.postgres.connect()
    failure: list[BaseException] = []

    context = events_batch.sparkSession.sparkContext
    query_id = context.getLocalProperty("sql.streaming.queryId")

    def land() -> None:
        try:
            context.setLocalProperty("sql.streaming.queryId", query_id)  # a thread's own
            lander(events_batch, 0)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failure.append(error)

    try:
        with blocker.cursor() as cursor:  # the batch's row in landed_batches waits for this lock: its commit too
            cursor.execute(f"LOCK TABLE {settings.table('landed_batches')} IN SHARE MODE")
        thread = threading.Thread(target=land)
        thread.start()
        deadline = time.monotonic() + 120
        while not _files(settings)[1] and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the lander is waiting for the lock, its files written
        visible, hidden = _files(settings)
        assert not failure
        assert thread.is_alive()  # not landed yet
        assert (visible, len(hidden)) == ([], 1)  # the events of one match date: one file, hidden
        with pg_conn.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {settings.table('landed_batches')}")
            assert cursor.fetchone() == (0,)
        blocker.rollback()  # releases the lock
        thread.join(120)
        assert not thread.is_alive() and not failure
        visible, hidden = _files(settings)
        assert (len(visible), hidden) == (2, [])  # and the momentum windows', written after the commit
        assert len(_cold_rows(settings)) == 300
    finally:
        blocker.close()
        lander._drop_connection()


def test_a_batch_postgres_refuses_leaves_no_file(settings, pg_conn, events_batch):
    lander = TopicLander(settings, f"{settings.checkpoint_dir}/land-match_events", "match_events", job.load_contracts(settings)["match_events"])
    batches = settings.table("landed_batches")
    try:
        with pg_conn.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {batches} ADD CONSTRAINT refuses_batch_7 CHECK (batch_id <> 7)")
        with pytest.raises(psycopg2.errors.CheckViolation):
            lander(events_batch, 7)
        assert _files(settings) == ([], [])
        with pg_conn.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {batches} DROP CONSTRAINT refuses_batch_7")
        lander(events_batch, 7)  # Spark runs the batch again
        visible, hidden = _files(settings)
        assert (len(visible), hidden) == (2, [])  # the events' file and the momentum windows'
        assert len(_cold_rows(settings)) == 300
    finally:
        lander._drop_connection()


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
