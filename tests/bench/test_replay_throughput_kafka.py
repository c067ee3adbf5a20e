"""Figure 1 on the real broker: the baseline producer sends exactly the bytes the replay sent."""

from __future__ import annotations

import gzip
import json
import os
from collections import Counter

import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from bench import ROOT, replay_throughput
from bench.progress import Progress
from bench.sandbox import Sandbox

pytestmark = pytest.mark.integration
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"


def read_all(config: dict, topic: str, partitions: int) -> Counter:
    consumer = Consumer({**config, "group.id": f"check-{topic}", "enable.auto.commit": False})
    assigned, ends = [], {}
    for p in range(partitions):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
        if high > low:
            assigned.append(TopicPartition(topic, p, low))
            ends[p] = high
    consumer.assign(assigned)
    seen = Counter()
    while ends:
        for m in consumer.consume(1000, timeout=2):
            seen[(m.key(), m.value())] += 1
            if m.offset() + 1 >= ends.get(m.partition(), float("inf")):
                ends.pop(m.partition())
    consumer.close()
    return seen


def test_raw_baseline_sends_the_replayed_messages_again(kafka_config, pg_conn, tmp_path):
    admin = AdminClient(kafka_config)
    replayed, raw = Sandbox("t1", admin, pg_conn, tmp_path, 3), Sandbox("t1raw", admin, pg_conn, tmp_path, 3)
    try:
        replayed.create_topics()
        raw.create_topics()
        figure = replay_throughput.measure(replayed, raw, BUNDLED, [7576], Progress(open(os.devnull, "w")))
        events = read_all(kafka_config, replayed.topics["match_events"], 3)
        # Portugal 3-3 Spain: the replay sends one match-events message per StatsBomb event.
        with gzip.open(BUNDLED / "events" / "7576.json.gz", "rt") as f:
            assert sum(events.values()) == len(json.load(f))
        for logical in ("live_matches", "match_events", "player_live_stats", "team_live_stats"):
            assert read_all(kafka_config, raw.topics[logical], 3) == read_all(kafka_config, replayed.topics[logical], 3), logical
        assert figure.details["messages"] >= sum(events.values())
        assert figure.value > 0 and figure.baseline > 0
    finally:
        raw.cleanup()
        replayed.cleanup()
