"""A lander lands a batch's accepted rows in PostgreSQL part by part while it tests the next part
(sinks.Staging), in the transaction that then lands the batch. What lands must be what the rules say
a batch lands, whatever happens to that transaction: every event of the batch once (its first copy in
Kafka order, with its own JSON), the broken messages as dead letters, one landing time; on real events
of Russia 5-0 Saudi Arabia (see data/NOTICE.md)."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from streaming import job, sinks, transforms
from streaming.settings import Settings
from streaming.sinks import TopicLander
from test_validation import kafka_rows

pytestmark = [pytest.mark.integration]

TOPIC = "match-events"
PART = 250  # messages tested at a time here: a batch below is 5 parts, then the message Spark's check accepts


@pytest.fixture
def settings(lander_settings, monkeypatch):
    monkeypatch.setattr(sinks, "PART_MESSAGES", PART)
    return lander_settings


def _batch(spark, russia_saudi_messages, repeat: bool):
    """(the batch, what it must land: event_id -> (offset, message) of its first copy, the offsets of its broken
    messages). 1,201 real events, the last written over several lines (valid, but only Spark's check takes it);
    with `repeat`, then a provider's repeat of that last event, on one line; then a text that is not JSON and an
    object that lacks the contract's fields."""
    events = [m["value"] for m in russia_saudi_messages if m["topic"] == TOPIC][:1201]
    payloads = [json.dumps(e).encode() for e in events[:1200]] + [json.dumps(events[1200], indent=1).encode()]
    payloads += [json.dumps(events[1200]).encode()] * repeat + [b"not json", b'{"event_id": "x"}']
    first = {}
    for offset, event in enumerate([*events, *[events[1200]] * repeat]):
        first.setdefault(event["event_id"], (offset, event))
    return transforms.for_lander(kafka_rows(spark, TOPIC, payloads)), first, {len(payloads) - 2, len(payloads) - 1}


@pytest.fixture
def query(spark):
    spark.sparkContext.setLocalProperty("sql.streaming.queryId", str(uuid.uuid4()))  # what a streaming query's batch carries
    yield
    spark.sparkContext.setLocalProperty("sql.streaming.queryId", None)


@pytest.fixture
def batch(spark, russia_saudi_messages, query):
    return _batch(spark, russia_saudi_messages, repeat=False)


def _lander(settings: Settings) -> TopicLander:
    return TopicLander(settings, f"{settings.checkpoint_dir}/land-match_events", "match_events", job.load_contracts(settings)["match_events"])


def _assert_landed_once(settings: Settings, pg_conn, first: dict, broken: set[int]) -> None:
    with pg_conn.cursor() as cursor:
        cursor.execute(f"SELECT event_id, kafka_offset, raw, landed_at FROM {settings.table('match_events')}")
        rows = cursor.fetchall()
        cursor.execute(f'SELECT "offset" FROM {settings.table("dead_letter")}')
        dead = [offset for (offset,) in cursor.fetchall()]
        cursor.execute(f"SELECT batch_id, landed_at FROM {settings.table('landed_batches')}")
        landed_batches = cursor.fetchall()
    assert len(rows) == len({event_id for event_id, *_ in rows}) == len(first) == 1201
    assert {event_id: (offset, raw) for event_id, offset, raw, _ in rows} == first  # raw: jsonb, read as a dict
    assert sorted(dead) == sorted(broken)
    assert len(landed_batches) == 1 and {landed for *_, landed in rows} == {landed_batches[0][1]}


@pytest.mark.parametrize("repeat", [False, True], ids=["no-key-twice", "a-repeat-in-another-part"])
def test_a_batch_landed_part_by_part_lands_what_the_rules_say(settings, pg_conn, spark, russia_saudi_messages, query, repeat,
                                                              monkeypatch):
    frame, first, broken = _batch(spark, russia_saudi_messages, repeat)
    lander = _lander(settings)
    parts, held = [], []
    staging, holds = lander.staging, sinks.Staging.holds

    def counted(upsert, batch_id):
        made = staging(upsert, batch_id)
        put = made.put
        made.put = lambda rows: parts.append(rows.num_rows) or put(rows)
        return made

    lander.staging = counted
    monkeypatch.setattr(sinks.Staging, "holds", lambda self, upsert: held.append(holds(self, upsert)) or held[-1])
    try:
        lander(frame, 0)
    finally:
        lander._drop_connection()
    # Messages in parts of 250: four of 250 events; then the rest (200 events, the repeat, the three Spark checks);
    # then the one event Spark's check accepts.
    assert parts == [PART] * 4 + [200 + repeat, 1]
    # The parts' rows are the batch's unless a key repeats. Here the repeat's part lands before its first copy's
    # (the one only Spark's check takes): the batch's own INSERT must decide which copy wins.
    assert held == [not repeat]
    _assert_landed_once(settings, pg_conn, first, broken)


@pytest.mark.parametrize("when", ["after-the-first-part", "after-the-last-part"])
def test_a_connection_lost_while_staging_lands_the_batch_whole_on_a_new_one(settings, pg_conn, batch, when):
    frame, first, broken = batch
    lander = _lander(settings)
    staging, write, made, cut = lander.staging, lander.write, [], []

    def cut_connection() -> None:  # PostgreSQL ends the staging connection (a restart, a failover)
        with pg_conn.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (made[0].conn.get_backend_pid(),))
            cut.append(cursor.fetchone()[0])

    def cut_after_the_first_part(upsert, batch_id):
        made.append(staging(upsert, batch_id))
        put = made[0].put
        made[0].put = lambda rows: put(rows) or (None if cut else cut_connection())
        return made[0]

    def cut_after_the_last_part(batch, batch_id, landed):
        landing = write(batch, batch_id, landed)
        deadline = time.monotonic() + 60
        while made[0].inserted < made[0].rows and time.monotonic() < deadline:  # every part landed (none is a repeat)
            time.sleep(0.05)
        cut_connection()
        return landing

    if when == "after-the-first-part":
        lander.staging = cut_after_the_first_part
    else:
        lander.staging = lambda upsert, batch_id: made.append(staging(upsert, batch_id)) or made[0]
        lander.write = cut_after_the_last_part
    try:
        lander(frame, 0)
    finally:
        lander._drop_connection()
    assert cut == [True]
    _assert_landed_once(settings, pg_conn, first, broken)


def test_a_batch_that_fails_while_staging_leaves_nothing_and_lands_once_when_replayed(settings, pg_conn, batch):
    frame, first, broken = batch
    lander = _lander(settings)
    staging, failed = lander.staging, []

    def failing_after_the_first_part(upsert, batch_id):
        made = staging(upsert, batch_id)
        put = made.put

        def put_then_fail(rows):
            put(rows)
            if not failed:
                failed.append(made)
                raise RuntimeError("the batch fails while its rows are staged")

        made.put = put_then_fail
        return made

    lander.staging = failing_after_the_first_part
    try:
        with pytest.raises(RuntimeError, match="while its rows are staged"):
            lander(frame, 0)
        # The failed batch's transaction is over (rolled back), on a connection the next batch can use.
        assert failed[0].conn is lander.conn and lander.conn.get_transaction_status() == 0  # TRANSACTION_STATUS_IDLE
        with pg_conn.cursor() as cursor:
            cursor.execute(f"SELECT (SELECT count(*) FROM {settings.table('match_events')}), (SELECT count(*) FROM {settings.table('landed_batches')})")
            assert cursor.fetchone() == (0, 0)
        lander(frame, 0)  # Spark runs the batch again
    finally:
        lander._drop_connection()
    _assert_landed_once(settings, pg_conn, first, broken)


def test_events_an_earlier_batch_landed_stay_as_they_were_and_count_once(settings, pg_conn, spark, russia_saudi_messages, query):
    """Batch 1 repeats 300 events of batch 0 (a provider sending them again), in two of its parts: those events
    keep batch 0's copy and count once in the momentum windows."""
    events = [m["value"] for m in russia_saudi_messages if m["topic"] == TOPIC][:1200]
    lander = _lander(settings)
    try:
        lander(transforms.for_lander(kafka_rows(spark, TOPIC, [json.dumps(e).encode() for e in events[:600]])), 0)
        lander(transforms.for_lander(kafka_rows(spark, TOPIC, [json.dumps(e).encode() for e in events[300:]])), 1)
    finally:
        lander._drop_connection()
    with pg_conn.cursor() as cursor:
        cursor.execute(f"SELECT event_id, batch_id FROM {settings.table('match_events')}")
        batch_of = dict(cursor.fetchall())
        cursor.execute(f"SELECT sum(passes), sum(shots) FROM {settings.table('team_momentum_5min')}")
        passes, shots = cursor.fetchone()
    assert batch_of == {e["event_id"]: 0 if i < 600 else 1 for i, e in enumerate(events)}
    # The windows count what momentum.py says: play (periods 1-4) of a team, with an event time.
    counted = [e for e in events if e["team_id"] is not None and e["period"] < 5 and e["timestamp"] is not None]
    assert passes == sum(e["event_type"] == "PASS" for e in counted) > 0
    assert shots == sum(e["event_type"] in ("SHOT", "GOAL", "PENALTY_GOAL", "PENALTY_MISSED") for e in counted) > 0
