"""End to end on real matches: replay -> Kafka -> `streaming run --available-now` -> PostgreSQL + Parquet."""

from __future__ import annotations

import json
import subprocess
from collections import Counter

import pytest
from confluent_kafka import Producer

from pipeline import bad_messages, contract_breaks, kill_at, official_results, read_topic, source_counts

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

# Russia 5-0 Saudi Arabia, Croatia 2-0 Nigeria, France 2-1 Australia (World Cup 2018).
MATCHES = [7525, 7529, 7530]


def assert_exactly_once(pipeline, expected: Counter) -> None:
    pipeline.assert_exactly_once(expected)


def test_every_replayed_event_lands_once_in_postgres_and_parquet(pipeline):
    pipeline.replay(MATCHES[:2])
    pipeline.env["STREAMING_MAX_OFFSETS_PER_TRIGGER"] = "2500"  # several batches per query (their metrics are checked below)
    process = pipeline.streaming("run", "--available-now", start_new_session=True)
    assert process.wait(timeout=900) == 0, pipeline.log_tail()
    # The command returns once its JVM is gone too (streaming.job.end_jvm): nothing of its session is
    # left running (a zombie the JVM left, `Z`, is reaped by init and holds nothing).
    left = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-s", str(process.pid)], capture_output=True, text=True).stdout
    assert [line for line in left.splitlines() if line.split()[1][0] != "Z"] == [], left
    assert_exactly_once(pipeline, source_counts(MATCHES[:2]))
    # The last snapshot of each match carries the official final score.
    finals = dict(pipeline.rows(
        "SELECT DISTINCT ON (match_id) match_id, (home_score, away_score)::text FROM {live_matches} ORDER BY match_id, sequence DESC"
    ))
    assert finals == {m: f"({h},{a})" for m, (h, a) in official_results(MATCHES[:2]).items()}
    for name in ("live_matches", "player_live_stats", "team_live_stats"):
        landed = sum(pipeline.counts_per_match(name).values())
        assert landed > 0 and landed == pipeline.parquet(name).num_rows
    assert pipeline.rows("SELECT count(*) FROM {dead_letter}") == [(0,)]
    # Every query reported its progress for the health dashboard.
    names = {r[0] for r in pipeline.rows("SELECT DISTINCT query_name FROM {pipeline_metrics}")}
    assert {"land-match_events", "land-live_matches", "land-player_live_stats", "land-team_live_stats"} <= names
    # One row for each batch a landing query landed (the query is its checkpoint's folder), with Spark's timings.
    landing = {(query, batch) for checkpoint, batch in pipeline.rows("SELECT checkpoint, batch_id FROM {landed_batches}")
               for query in [checkpoint.rstrip("/").rsplit("/", 1)[-1]] if query.startswith("land-")}
    recorded = set(pipeline.rows("SELECT query_name, batch_id FROM {pipeline_metrics} WHERE (durations_ms ->> 'addBatch')::int >= 0"))
    assert landing and landing <= recorded
    # The log is ours to read: the Python-JVM bridge's per-call chatter stays out of it.
    assert "py4j.clientserver INFO" not in pipeline.log.read_text()


def test_a_replay_in_the_schema_registry_wire_format_lands_once(pipeline, schema_registry_url):
    pipeline.env["SCHEMA_REGISTRY_URL"] = schema_registry_url
    pipeline.replay(MATCHES[:1])
    values = read_topic(pipeline.topics["match_events"])
    assert values and all(value[0] == 0 for value in values)
    pipeline.run_available_now()
    assert_exactly_once(pipeline, source_counts(MATCHES[:1]))
    assert pipeline.rows("SELECT count(*) FROM {dead_letter}") == [(0,)]
    snapshots = read_topic(pipeline.topics["live_matches"])
    assert pipeline.rows("SELECT count(*) FROM {live_matches}") == [(len(snapshots),)]


@pytest.mark.slow
def test_rerun_and_sigkill_mid_backfill_neither_lose_nor_double(pipeline):
    pipeline.replay(MATCHES)
    expected = source_counts(MATCHES)
    # Small batches, so the kill lands in the middle of a backfill of many batches.
    pipeline.env["STREAMING_MAX_OFFSETS_PER_TRIGGER"] = "1500"
    process = pipeline.streaming("run", "--available-now", start_new_session=True)
    # The driver and its JVM die at once, like a lost machine, frozen first at the moment two
    # batches have landed so the kill cannot come after the last one however fast the job runs.
    kill_at(process, lambda: len(pipeline.landed_batches("land-match_events")) >= 2)
    partial = sum(pipeline.counts_per_match("match_events").values())
    assert 0 < partial < sum(expected.values()), "the kill must land mid-backfill"
    pipeline.run_available_now()
    assert_exactly_once(pipeline, expected)
    pipeline.run_available_now()  # a second run over the same data changes nothing
    assert_exactly_once(pipeline, expected)


def test_a_thousand_bad_messages_go_to_dead_letters_and_good_ones_land(pipeline, kafka_config, russia_saudi_messages):
    good = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events")
    bad = bad_messages(contract_breaks(good), 1000)
    producer = Producer(kafka_config)

    def produce(chunk):
        for payload, _ in chunk:
            producer.produce(pipeline.topics["match_events"], payload, key=good["match_id"])
        producer.flush(30)

    produce(bad[:500])
    pipeline.replay(MATCHES[:1])
    produce(bad[500:])
    pipeline.run_available_now()
    reasons = Counter(dict(pipeline.rows("SELECT reason, count(*) FROM {dead_letter} GROUP BY reason")))
    assert reasons == Counter(reason for _, reason in bad)
    assert pipeline.rows("SELECT count(*) FROM {dead_letter} WHERE payload IS NULL OR topic <> %s", pipeline.topics["match_events"]) == [(0,)]
    assert_exactly_once(pipeline, source_counts(MATCHES[:1]))


def test_the_producers_dead_letters_land_once_with_their_reason(pipeline, russia_saudi_messages):
    from ingest.producer import MatchProducer
    from ingest.settings import KafkaSettings

    good = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events")
    broken = {**good, "minute": -3}
    settings = KafkaSettings.from_env().with_topics(**pipeline.topics, dead_letters=pipeline.dead_letter_topic)
    producer = MatchProducer(settings)
    assert producer.send("match-events", good["match_id"], broken) is False  # the producer refuses it
    producer.flush()
    pipeline.replay(MATCHES[:1])
    pipeline.run_available_now()
    pipeline.run_available_now()  # a second run lands nothing twice
    dead = pipeline.rows("SELECT topic, reason, rejected_by, kafka_topic, partition, \"offset\", key, payload FROM {dead_letter}")
    # The reason is the producer's own (jsonschema's wording), as the ingest tests check it.
    assert [row[:7] for row in dead] == [(
        pipeline.topics["match_events"], "minute: -3 is less than the minimum of 0", "ingest.replay",
        pipeline.dead_letter_topic, 0, 0, good["match_id"],
    )]
    assert json.loads(dead[0][7]) == broken
    assert_exactly_once(pipeline, source_counts(MATCHES[:1]))
