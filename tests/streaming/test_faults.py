"""Fault injection on real matches: the landing job killed at chosen points, the broker and
PostgreSQL restarted under load, 10,000 bad messages, drifted messages. Every time, each replayed
event ends up exactly once in PostgreSQL and in Parquet (compared with Kafka's own messages)."""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from confluent_kafka import Producer

from pipeline import bad_messages, contract_breaks, kill_at, read_topic, source_counts

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

MATCH = [7525]  # Russia 5-0 Saudi Arabia (World Cup 2018)
QUERY = "land-match_events"


def _first_batch(p) -> bool:
    """Batch 0 planned (its offsets written), neither landed nor committed."""
    return 0 in p.checkpoint_batches(QUERY, "offsets") and not p.checkpoint_batches(QUERY, "commits") and not p.landed_batches(QUERY)


def _between_batches(p) -> bool:
    """Batch n (n >= 1) committed, batch n + 1 not planned yet: the job waits for its next trigger."""
    committed = p.checkpoint_batches(QUERY, "commits")
    return bool(committed) and max(committed) >= 1 and max(committed) + 1 not in p.checkpoint_batches(QUERY, "offsets")


def _after_postgres_commit(p) -> bool:
    """A batch is in PostgreSQL (its transaction committed) but not in the checkpoint's commits."""
    return bool(p.landed_batches(QUERY) - p.checkpoint_batches(QUERY, "commits"))


KILL_POINTS = {
    "during-the-first-batch": (_first_batch, "2 seconds"),
    # A long trigger interval leaves the job idle between two batches.
    "between-batches": (_between_batches, "8 seconds"),
    "after-the-postgres-commit-before-the-checkpoint-commit": (_after_postgres_commit, "2 seconds"),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_at_a_point_of_the_backfill_then_restart_lands_every_event_once(pipeline, point):
    condition, interval = KILL_POINTS[point]
    pipeline.replay(MATCH)
    expected = source_counts(MATCH)
    pipeline.env["STREAMING_MAX_OFFSETS_PER_TRIGGER"] = "400"  # about 9 batches of match events
    pipeline.env["STREAMING_TRIGGER_INTERVAL"] = interval
    job = pipeline.streaming("run", start_new_session=True)
    kill_at(job, lambda: condition(pipeline))
    partial = sum(pipeline.counts_per_match("match_events").values()) if pipeline.table_exists("match_events") else 0
    assert partial < sum(expected.values()), "the kill must land before the backfill is done"
    pipeline.run_available_now()
    pipeline.assert_exactly_once(expected)
    # Every landed batch of the query is in the checkpoint's commits now, each once.
    assert pipeline.landed_batches(QUERY) <= pipeline.checkpoint_batches(QUERY, "commits")


def _stack_settings():
    from stack.settings import Settings

    return Settings.from_env()


def test_a_broker_restart_during_a_replay_loses_and_doubles_nothing(pipeline):
    from stack import kafka

    settings = _stack_settings().kafka
    replay = pipeline.replay_in_background(MATCH, speed=90)  # about 65 s of match clock
    try:
        deadline = time.monotonic() + 120
        while len(read_topic(pipeline.topics["match_events"])) < 300:
            assert replay.poll() is None and time.monotonic() < deadline, pipeline.log_tail()
            time.sleep(1)
        assert kafka.shutdown().startswith("stopped")
        time.sleep(5)  # the producer keeps replaying into its queue, retrying the broker
        assert kafka.start(settings).startswith("started")
        assert replay.poll() is None, "the replay must still be sending when the broker is back"
        assert replay.wait(timeout=300) == 0, pipeline.log_tail()
    finally:
        if not kafka.healthy(settings):
            kafka.start(settings)
    expected = source_counts(MATCH)
    # Kafka itself holds every event once: the idempotent producer's retries left no duplicate.
    assert len(read_topic(pipeline.topics["match_events"])) == sum(expected.values())
    pipeline.run_available_now()
    pipeline.assert_exactly_once(expected)


def test_a_postgres_restart_during_landing_is_waited_out_by_the_running_job(pipeline):
    from stack import postgres

    settings = _stack_settings().postgres
    pipeline.replay([7525, 7529])
    expected = source_counts([7525, 7529])
    pipeline.env["STREAMING_MAX_OFFSETS_PER_TRIGGER"] = "500"
    job = pipeline.streaming("run", "--available-now", start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while len(pipeline.landed_batches(QUERY)) < 2:
            assert job.poll() is None and time.monotonic() < deadline, pipeline.log_tail()
            time.sleep(0.5)
        assert postgres.shutdown().startswith("stopped")
        # PostgreSQL stays down until the running job has met the outage (a batch write failed
        # and is being retried), however long the machine takes to get there.
        deadline = time.monotonic() + 300
        while "PostgreSQL unreachable" not in pipeline.log.read_text():
            assert job.poll() is None and time.monotonic() < deadline, pipeline.log_tail()
            time.sleep(0.2)
        assert postgres.start(settings).startswith("started")
    finally:
        if postgres.pid() is None:
            postgres.start(settings)
    pipeline.reconnect()
    # The same run finishes: its writes waited for PostgreSQL instead of failing the query.
    assert job.wait(timeout=900) == 0, pipeline.log_tail()
    assert "PostgreSQL unreachable" in pipeline.log.read_text()
    pipeline.assert_exactly_once(expected)


# Messages that are not events, or whose event_type is not a type name (with the reasons the
# landing job must give), next to the contract breaks of test_landing_e2e.
def _not_events(good: dict, snapshot: dict) -> list[tuple]:
    return [
        (lambda i: json.dumps(f"goal {i}").encode(), "not a JSON object"),
        (lambda i: str(i).encode(), "not a JSON object"),
        (lambda i: None, "empty message"),
        (lambda i: json.dumps(snapshot).encode(), "missing required field event_type"),  # a live-matches message
        (lambda i: json.dumps({**good, "event_type": ""}).encode(), "event_type does not match ^[A-Z][A-Z0-9_]*$"),
        (lambda i: json.dumps({**good, "event_type": i}).encode(), "event_type must be string, not bigint"),
        (lambda i: json.dumps({**good, "event_type": "var review"}).encode(), "event_type does not match ^[A-Z][A-Z0-9_]*$"),
        (lambda i: json.dumps({**good, "team_id": "Russia"}).encode(), "team_id must be integer, not string"),
    ]


def test_ten_thousand_bad_messages_go_to_dead_letters_and_a_real_match_lands_exactly(pipeline, kafka_config, russia_saudi_messages):
    good = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events")
    snapshot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "live-matches" and m["value"]["status"] == "LIVE")
    bad = bad_messages(contract_breaks(good) + _not_events(good, snapshot), 9_900)
    # Large but producible (the broker takes up to 1 MB): over the landing job's 64 KB limit.
    oversized = json.dumps({**good, "commentary": "x" * 500_000}).encode()
    bad += [(oversized, f"message of {len(oversized)} bytes is over the limit of 65536 bytes (STREAMING_MAX_MESSAGE_BYTES)")] * 100
    producer = Producer(kafka_config)

    def produce(chunk):
        for payload, _ in chunk:
            producer.produce(pipeline.topics["match_events"], payload, key=good["match_id"])
            producer.poll(0)
        assert producer.flush(60) == 0

    produce(bad[:5_000])
    pipeline.replay(MATCH)
    produce(bad[5_000:])
    pipeline.env["STREAMING_MAX_OFFSETS_PER_TRIGGER"] = "4000"  # the bad ones span several batches
    pipeline.run_available_now()
    reasons = Counter(dict(pipeline.rows("SELECT reason, count(*) FROM {dead_letter} GROUP BY reason")))
    assert reasons == Counter(reason for _, reason in bad)
    assert sum(reasons.values()) == 10_000
    # The payload is kept as sent; an oversized one only by its first 1024 characters.
    kept = Counter(pipeline.rows("SELECT payload FROM {dead_letter} WHERE NOT starts_with(reason, 'message of')"))
    assert kept == Counter((None if p is None else p.decode(),) for p, r in bad if not r.startswith("message of"))
    assert pipeline.rows("SELECT DISTINCT payload FROM {dead_letter} WHERE starts_with(reason, 'message of')") == [(oversized[:1024].decode(),)]
    assert pipeline.rows("SELECT count(DISTINCT batch_id) > 1 FROM {dead_letter}") == [(True,)]
    pipeline.assert_exactly_once(source_counts(MATCH))


def test_drifted_messages_of_a_real_match_land_flagged_with_their_raw_json(pipeline, russia_saudi_messages):
    from ingest.producer import MatchProducer
    from ingest.settings import KafkaSettings

    events = [m["value"] for m in russia_saudi_messages if m["topic"] == "match-events"]
    # A provider that starts sending a new type for what the contract calls OTHER, and a pitch zone
    # on every 50th event.
    sent, drifted = [], {}
    for i, event in enumerate(events):
        message = dict(event)
        notes = []
        if event["event_type"] == "OTHER":
            message["event_type"] = "VAR_REVIEW"
            notes.append("unknown event_type VAR_REVIEW")
        if i % 50 == 0:
            message["pitch_zone"] = "final third"
            notes.append("extra fields: pitch_zone")
        if notes:
            drifted[message["event_id"]] = "; ".join(notes)
        sent.append(message)
    assert sum(n.startswith("unknown") for n in drifted.values()) > 0
    settings = KafkaSettings.from_env().with_topics(**pipeline.topics, dead_letters=pipeline.dead_letter_topic)
    producer = MatchProducer(settings)
    assert all(producer.send("match-events", m["match_id"], m) for m in sent)
    producer.flush()
    assert sum(producer.report.drifted.values()) == len(drifted)
    pipeline.run_available_now()
    landed = {r[0]: r[1:] for r in pipeline.rows("SELECT event_id, schema_drift, event_type, raw::text FROM {match_events}")}
    assert len(landed) == len(events)
    assert {e: row[0] for e, row in landed.items() if row[0] is not None} == drifted
    by_id = {m["event_id"]: m for m in sent}
    assert all(json.loads(raw) == by_id[e] and event_type == by_id[e]["event_type"] for e, (_, event_type, raw) in landed.items())
    assert pipeline.rows("SELECT count(*) FROM {dead_letter}") == [(0,)]
    # The count is visible per batch.
    assert pipeline.rows("SELECT sum(drifted_rows) FROM {landed_batches} WHERE checkpoint LIKE %s", f"%/{QUERY}") == [(len(drifted),)]
    assert "with schema drift" in pipeline.log.read_text()
