"""Replays into the real Kafka broker (per-test topics) and consumes the messages back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from confluent_kafka import Consumer

from ingest import contracts
from ingest.producer import MatchProducer
from ingest.providers.statsbomb import files
from ingest.replay import match_timeline
from ingest.replay_runner import run_replay
from ingest.settings import KafkaSettings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
KICKOFF = datetime(2018, 6, 25, 14, 0, tzinfo=timezone.utc)


def consume(kafka_config, topic, expected, timeout=60.0):
    consumer = Consumer({**kafka_config, "group.id": f"test-{uuid.uuid4().hex}", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    messages = []
    try:
        deadline = datetime.now().timestamp() + timeout
        while len(messages) < expected and datetime.now().timestamp() < deadline:
            batch = consumer.consume(1000, timeout=1.0)
            messages.extend(m for m in batch if m.error() is None)
        # One more short read proves nothing beyond `expected` was written.
        messages.extend(m for m in consumer.consume(1000, timeout=2.0) if m.error() is None)
    finally:
        consumer.close()
    return messages


@pytest.fixture
def topics(new_topic):
    return {
        "live_matches": new_topic("live-matches", partitions=3),
        "match_events": new_topic("match-events", partitions=3),
        "player_live_stats": new_topic("player-live-stats"),
        "team_live_stats": new_topic("team-live-stats"),
        "dead_letters": new_topic("dead-letters"),
    }


def test_replay_of_two_real_matches_arrives_complete_keyed_and_in_order(kafka_config, topics):
    settings = KafkaSettings.from_env().with_topics(**topics)
    matches = [files.load_match(f) for f in files.find_matches([BUNDLED], match_ids={"7558", "3942228"})]
    expected = {}
    for match in matches:
        for out in match_timeline(match, KICKOFF):
            expected.setdefault(out.contract, []).append(out.value["event_id"])
    result = run_replay(matches, MatchProducer(settings), KICKOFF, speed=0, show_progress=False)
    assert result.matches == 2 and result.dead_letters == 0

    for contract in contracts.TOPICS:
        received = consume(kafka_config, settings.topics.for_contract(contract), len(expected[contract]))
        assert len(received) == len(expected[contract]), contract
        values = [json.loads(m.value()) for m in received]
        assert sorted(v["event_id"] for v in values) == sorted(expected[contract])
        for message, value in zip(received, values):
            assert message.key().decode() == value["match_id"]
            assert contracts.violation(contract, value) is None
        if contract == "live-matches":
            for match_id in ("statsbomb:7558", "statsbomb:3942228"):
                own = [v for v in values if v["match_id"] == match_id]
                # Keyed by match: one partition per match, so its snapshots arrive in order.
                assert [v["sequence"] for v in own] == list(range(len(own)))
                assert len({m.partition() for m in received if m.key().decode() == match_id}) == 1
            finals = {v["match_id"]: v for v in values if v["status"] == "FINISHED"}
            assert (finals["statsbomb:3942228"]["home_score"], finals["statsbomb:3942228"]["away_score"],
                    finals["statsbomb:3942228"]["home_penalty_score"], finals["statsbomb:3942228"]["away_penalty_score"]) == (1, 1, 4, 2)
            assert (finals["statsbomb:7558"]["home_score"], finals["statsbomb:7558"]["away_score"]) == (3, 0)
    assert consume(kafka_config, topics["dead_letters"], 0, timeout=3) == []


def test_a_message_breaking_its_contract_goes_to_dead_letters_with_the_reason(kafka_config, topics):
    settings = KafkaSettings.from_env().with_topics(**topics)
    producer = MatchProducer(settings)
    [match] = [files.load_match(f) for f in files.find_matches([BUNDLED], match_ids={"7558"})]
    good = next(out for out in match_timeline(match, KICKOFF) if out.contract == "match-events")
    broken = dict(good.value, minute=-3)
    assert producer.send("match-events", good.key, good.value) is True
    assert producer.send("match-events", good.key, broken) is False
    producer.flush()

    [dead] = consume(kafka_config, topics["dead_letters"], 1)
    headers = {name: value.decode() for name, value in dead.headers()}
    assert headers["reason"] == "minute: -3 is less than the minimum of 0"
    assert headers["source_topic"] == topics["match_events"]
    assert dead.key().decode() == "statsbomb:7558"
    assert json.loads(dead.value()) == broken
    [ok] = consume(kafka_config, topics["match_events"], 1)
    assert json.loads(ok.value())["minute"] == good.value["minute"]


def test_the_producer_tells_when_every_message_before_a_mark_is_delivered(kafka_config, topics):
    # The replay's workers keep pace by this: a group of messages counts as delivered once each of
    # them has its delivery report, dead letters included.
    settings = KafkaSettings.from_env().with_topics(**topics)
    producer = MatchProducer(settings)
    [match] = [files.load_match(f) for f in files.find_matches([BUNDLED], match_ids={"7558"})]
    outs = list(match_timeline(match, KICKOFF))[:60]
    for out in outs[:30]:
        assert producer.send(out.contract, out.key, out.value)
    assert not producer.send("match-events", outs[1].key, dict(outs[1].value, minute=-3))  # a dead letter
    mark = producer.mark()
    # No report is served before the client is polled (send polls once every 100 messages).
    assert not producer.delivered_before(mark)
    for out in outs[30:]:
        assert producer.send(out.contract, out.key, out.value)
    deadline = time.monotonic() + 30
    while not producer.delivered_before(mark) and time.monotonic() < deadline:
        producer.wait(0.01)
    assert producer.delivered_before(mark)
    assert producer.delivered_before(0)
    producer.flush()
    assert producer.delivered_before(producer.mark())
    sent = Counter(settings.topics.for_contract(out.contract) for out in outs)
    assert producer.report.delivered == sent + Counter({topics["dead_letters"]: 1})
    assert not producer.report.failed


def test_cli_replays_a_bundled_match_into_overridden_topics(kafka_config, topics):
    args = [sys.executable, "-m", "ingest", "replay", "--match-ids", "3895292", "--speed", "0", "--quiet",
            "--kickoff", "2024-01-20T14:30:00Z"]
    for name, topic in topics.items():
        args += [f"--topic-{name.replace('_', '-')}", topic]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "replayed 1 of 1 matches" in done.stderr
    snapshots = [json.loads(m.value()) for m in consume(kafka_config, topics["live_matches"], 1, timeout=30)]
    final = [s for s in snapshots if s["status"] == "FINISHED"]
    assert len(final) == 1 and (final[0]["home_score"], final[0]["away_score"]) == (0, 1)
    assert snapshots[0]["kickoff"] == "2024-01-20T14:30:00+00:00"


def test_unreachable_broker_fails_fast_in_one_sentence():
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "localhost:1"}
    done = subprocess.run([sys.executable, "-m", "ingest", "replay", "--match-ids", "7576", "--quiet"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip() == ("error: Cannot reach Kafka at localhost:1: set KAFKA_BOOTSTRAP_SERVERS (and the "
                                   "KAFKA_SASL_* settings) to a reachable cluster, or run `make up`.")
    assert "Traceback" not in done.stderr
