"""Figure 1: `python -m ingest replay --speed 0` into Kafka, messages/s, next to a raw
confluent-kafka producer sending the same bytes (captured from the replay's topics) with the
producer settings of ingest/producer.py, so the ratio is the cost of the replay itself
(reading the files, building the timeline, checking every message against its contract)."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

from confluent_kafka import Consumer, Producer, TopicPartition

from bench import ROOT, BenchError
from bench.progress import Every, Progress
from bench.report import Figure
from bench.sandbox import Sandbox

TITLE, UNIT, BASELINE = "1 replay into Kafka, speed 0", "msg/s", "raw producer, same bytes"
# The replay's own summary line (ingest/__main__.py).
SUMMARY = re.compile(r"replayed (\d+) of (\d+) matches: (\d+) messages \((\d+) to dead letters\) in ([\d.]+) s")


def messages_in(sandbox: Sandbox) -> int:
    """Messages in the sandbox's topics (the sum of their end offsets)."""
    consumer = Consumer({**_client_config(), "group.id": f"{sandbox.prefix}count"})
    try:
        total = 0
        for topic in sandbox.topics.values():
            for partition in consumer.list_topics(topic, timeout=30).topics[topic].partitions:
                total += consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)[1]
        return total
    finally:
        consumer.close()


def run_replay(sandbox: Sandbox, folder: Path, match_ids: list[int], progress: Progress, timeout: float = 3600) -> dict:
    started = time.monotonic()
    log_path = sandbox.work / "replay.log"
    with log_path.open("w") as log:
        replay = subprocess.Popen(sandbox.replay_command(folder, match_ids, 0), env=sandbox.env, cwd=ROOT,
                                  stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    every = Every(20)
    while replay.poll() is None:
        if time.monotonic() - started > timeout:
            replay.kill()
            raise BenchError(f"The replay did not finish within {timeout:.0f} s: see {log_path}.")
        if every():
            progress.say(f"  {messages_in(sandbox):,} messages in Kafka so far (the replay reads every file first)")
        time.sleep(1)
    wall = time.monotonic() - started
    output = log_path.read_text(errors="replace")
    found = SUMMARY.search(output)
    if replay.returncode != 0 or not found:
        raise BenchError(f"The replay failed ({output.strip().splitlines()[-1] if output.strip() else replay.returncode}): see {log_path}.")
    matches, _, messages, dead_letters, seconds = found.groups()
    return {"matches": int(matches), "messages": int(messages), "dead_letters": int(dead_letters),
            "send_seconds": float(seconds), "wall_seconds": round(wall, 2)}


def capture(sandbox: Sandbox, progress: Progress) -> list[tuple]:
    """Every message of the sandbox's topics, as (topic, key, value, headers), read to the end offsets."""
    consumer = Consumer({**_client_config(), "group.id": f"{sandbox.prefix}capture", "enable.auto.commit": False,
                         "fetch.max.bytes": 52428800})
    try:
        partitions, ends = [], {}
        for topic in sandbox.topics.values():
            metadata = consumer.list_topics(topic, timeout=30).topics[topic]
            for partition in metadata.partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
                if high > low:
                    partitions.append(TopicPartition(topic, partition, low))
                    ends[(topic, partition)] = high
        consumer.assign(partitions)
        expected = sum(high - p.offset for p, high in zip(partitions, ends.values()))
        messages: list[tuple] = []
        remaining = dict(ends)
        every = Every(15)
        while remaining:
            for message in consumer.consume(10000, timeout=1.0):
                if message.error():
                    continue
                messages.append((message.topic(), message.key(), message.value(), message.headers()))
                if message.offset() + 1 >= remaining.get((message.topic(), message.partition()), float("inf")):
                    remaining.pop((message.topic(), message.partition()), None)
            if every():
                progress.say(f"  captured {len(messages):,} of {expected:,} messages")
        return messages
    finally:
        consumer.close()


def _client_config() -> dict:
    from ingest.settings import KafkaSettings

    return KafkaSettings.from_env().client_config()


def produce_raw(messages: list[tuple], topic_of: dict[str, str]) -> float:
    """Send `messages` again with a bare Producer (the settings of ingest.producer.MatchProducer for
    a replay at speed 0); seconds."""
    from ingest.producer import BULK_LINGER_MS

    failed = []

    def on_delivery(error, message):
        if error is not None:
            failed.append(error)

    producer = Producer({**_client_config(), "enable.idempotence": True, "acks": "all", "compression.type": "lz4",
                         "linger.ms": BULK_LINGER_MS, "queue.buffering.max.messages": 200_000})
    started = time.monotonic()
    for topic, key, value, headers in messages:
        while True:
            try:
                producer.produce(topic_of[topic], value=value, key=key, headers=headers, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    if producer.flush(120):
        raise BenchError("The raw producer could not deliver every message within 120 s: is the broker overloaded?")
    seconds = time.monotonic() - started
    if failed:
        raise BenchError(f"The raw producer failed to deliver {len(failed)} messages ({failed[0]}).")
    return seconds


def measure(replayed: Sandbox, raw: Sandbox, folder: Path, match_ids: list[int], progress: Progress) -> Figure:
    with progress.step(f"1 replay {len(match_ids)} matches at speed 0 into Kafka"):
        replay = run_replay(replayed, folder, match_ids, progress)
        progress.say(f"  {replay['messages']:,} messages sent in {replay['send_seconds']:.1f} s "
                     f"({replay['wall_seconds']:.1f} s with reading the files)")
    with progress.step("1 capture the replayed messages"):
        messages = capture(replayed, progress)
    if len(messages) != replay["messages"]:
        raise BenchError(f"Kafka holds {len(messages)} of the {replay['messages']} replayed messages: check the broker's log.")
    with progress.step(f"1 baseline: produce the same {len(messages):,} messages with a raw producer"):
        raw_seconds = produce_raw(messages, {replayed.topics[n]: raw.topics[n] for n in replayed.topics})
    return Figure(
        key="replay_throughput", title=TITLE, unit=UNIT,
        value=replay["messages"] / replay["send_seconds"],
        baseline_title=BASELINE, baseline=len(messages) / raw_seconds, better="higher",
        details={**replay, "raw_seconds": round(raw_seconds, 3),
                 "payload_mb": round(sum(len(m[2] or b"") for m in messages) / 2**20, 1),
                 "messages_per_s_with_reading_files": round(replay["messages"] / replay["wall_seconds"], 1)},
    )
