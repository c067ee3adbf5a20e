"""The landing job's pure steps on small batch DataFrames, on the shared local SparkSession: no
Kafka, no PostgreSQL. Expected rows are worked out by hand from the rules each step states."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
from pyspark.testing import assertDataFrameEqual

from streaming import batches, transforms


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 1, 1, 15, minute, second)


KAFKA = ("topic string, partition int, offset long, key binary, value binary, timestamp timestamp, "
         "headers array<struct<key:string, value:binary>>")


def test_producer_dead_letters_say_the_topic_the_reason_and_who_refused(spark):
    rows = spark.createDataFrame([
        ("dead-letters", 0, 7, b"k", b"{}", at(1), [("source_topic", b"match-events"), ("reason", b"minute: -1 < 0"),
                                                    ("producer", b"ingest.replay")]),
        ("dead-letters", 0, 8, None, b"x", at(2), [("contract", b"live-matches")]),
        ("dead-letters", 1, 9, None, b"y", at(3), []),
    ], KAFKA)
    expected = spark.createDataFrame([
        ("match-events", 0, 7, "k", "{}", "minute: -1 < 0", at(1), "dead-letters", "ingest.replay"),
        ("live-matches", 0, 8, None, "x", "refused by a producer, no reason header", at(2), "dead-letters", "unknown producer"),
        ("dead-letters", 1, 9, None, "y", "refused by a producer, no reason header", at(3), "dead-letters", "unknown producer"),
    ], "topic string, partition int, offset long, key string, payload string, reason string, kafka_timestamp timestamp, "
       "kafka_topic string, rejected_by string")
    assertDataFrameEqual(transforms.producer_dead_letters(rows), expected, checkRowOrder=False)


def test_parquet_keeps_the_first_copy_of_an_event_in_kafka_order():
    rows = pa.table({
        "event_id": ["a", "b", "a", "c", "b"],
        "kafka_partition": [1, 0, 0, 0, 0],
        "kafka_offset": [5, 9, 7, 2, 3],
    })
    first = batches.first_per_event(rows)
    # Kafka order: (0,2) c, (0,3) b, (0,7) a, (0,9) b, (1,5) a -> the first of each.
    assert first.to_pylist() == [
        {"event_id": "c", "kafka_partition": 0, "kafka_offset": 2},
        {"event_id": "b", "kafka_partition": 0, "kafka_offset": 3},
        {"event_id": "a", "kafka_partition": 0, "kafka_offset": 7},
    ]


def test_the_warm_up_collects_a_message_through_the_landers_projection(spark):
    from streaming.job import warm_up

    rows = warm_up(spark)
    # What a lander collects (transforms.for_lander): the Kafka metadata, the key as text, the value as sent.
    assert rows.column_names == ["kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp", "kafka_key", "value"]
    assert rows.to_pylist()[0] | {"kafka_timestamp": None} == {
        "kafka_topic": "warm-up", "kafka_partition": 0, "kafka_offset": 0, "kafka_timestamp": None, "kafka_key": None,
        "value": b"{}"}
