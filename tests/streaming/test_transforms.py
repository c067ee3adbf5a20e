"""The landing job's pure steps on small batch DataFrames, on the shared local SparkSession: no
Kafka, no PostgreSQL. Expected rows are worked out by hand from the rules each step states."""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
from pyspark.testing import assertDataFrameEqual

from streaming import batches, transforms

EVENTS = ("match_id string, team_id long, team_name string, timestamp timestamp, period long, event_type string, "
          "outcome string, xg double, location_x double, event_id string")


def at(minute: int, second: int = 0) -> datetime:
    return datetime(2026, 1, 1, 15, minute, second)


def test_momentum_windows_count_per_match_team_and_five_minutes_of_event_time(spark):
    events = spark.createDataFrame([
        ("m", 1, "Home", at(1), 1, "SHOT", "SAVED", 0.1, 90.0, "a"),        # on target
        ("m", 1, "Home", at(2), 1, "SHOT", "OFF_TARGET", 0.2, 85.0, "b"),   # off target
        ("m", 1, "Home", at(3), 1, "PASS", "COMPLETE", None, 70.0, "c"),    # final third: attacking
        ("m", 1, "Home", at(4), 1, "PASS", "INCOMPLETE", None, 40.0, "d"),  # own half
        ("m", 1, "Home", at(6), 1, "GOAL", "GOAL", 0.5, 95.0, "e"),         # next window
        ("m", 2, "Away", at(4, 59), 1, "PENALTY_MISSED", "SAVED", 0.76, 89.0, "f"),
        ("m", 2, "Away", at(4), 5, "SHOOTOUT_GOAL", "GOAL", None, 89.0, "g"),  # the shoot-out is not play
        ("m", None, None, at(4), 1, "HALF_TIME", None, None, None, "h"),     # no team
    ], EVENTS)
    expected = spark.createDataFrame([
        ("m", 1, "Home", at(0), at(5), 2, 1, 0.1 + 0.2, 2, 3),
        ("m", 1, "Home", at(5), at(10), 1, 1, 0.5, 0, 1),
        ("m", 2, "Away", at(0), at(5), 1, 1, 0.76, 0, 1),
    ], "match_id string, team_id long, team_name string, window_start timestamp, window_end timestamp, shots long, "
       "shots_on_target long, xg double, passes long, attacking_actions long")
    assertDataFrameEqual(transforms.momentum_windows(events), expected, checkRowOrder=False)


def test_dedupe_within_watermark_keeps_one_row_per_event_id(spark, tmp_path):
    # A streaming step: run on a file stream (no Kafka) into a memory table, once, to the end.
    spark.createDataFrame([
        ("m", 1, "Home", at(1), 1, "PASS", "COMPLETE", None, 50.0, "a"),
        ("m", 1, "Home", at(1), 1, "PASS", "COMPLETE", None, 50.0, "a"),  # the provider's repeat
        ("m", 1, "Home", at(2), 1, "PASS", "COMPLETE", None, 50.0, "b"),
    ], EVENTS).write.json(str(tmp_path / "events"))
    stream = spark.readStream.schema(EVENTS).json(str(tmp_path / "events"))
    query = (transforms.dedupe_within_watermark(stream, "10 minutes").writeStream.format("memory")
             .queryName("deduped_events").option("checkpointLocation", str(tmp_path / "checkpoint"))
             .trigger(availableNow=True).start())
    query.awaitTermination()
    assertDataFrameEqual(spark.table("deduped_events").select("event_id"),
                         spark.createDataFrame([("a",), ("b",)], "event_id string"), checkRowOrder=False)


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
