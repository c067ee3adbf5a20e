"""The landing queries hand the lander Kafka rows (transforms.for_lander); the lander passes most
messages by a cheap test in Python (streaming.screening) and checks the rest in full in Spark
(sinks.validated). Together they must land exactly what the full validation would: the same typed
values, reasons and schema drift, row for row."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from ingest import schema_registry
from streaming import sinks, transforms
from streaming.screening import Screen
from streaming.schemas import load_contract
from test_validation import broken_variants, kafka_rows

TOPICS = ["live-matches", "match-events", "player-live-stats", "team-live-stats"]
MAX_BYTES = 4096


def _documents(messages: list[dict], topic: str) -> list[bytes | None]:
    """Real messages of the topic, each kind of breakage, schema drift, an oversized message and
    messages that are not JSON objects."""
    real = [m["value"] for m in messages if m["topic"] == topic][::7]
    sample = real[0]
    if topic == "match-events":
        sample = next(m["value"] for m in messages if m["topic"] == topic and m["value"]["xg"])
        broken = list(broken_variants(sample).values()) + [{**sample, "event_type": "VAR_REVIEW"}]
    else:
        broken = [{k: v for k, v in sample.items() if k != "match_id"}, {**sample, "match_id": 7}]
    drifted = {**sample, "pitch_notes": "wet"}
    oversized = {**sample, "padding": "x" * MAX_BYTES}
    # What JSON Schema lets through and Spark does not, or reads another way: the cheap test must
    # leave each to the full check.
    unusual = [{**sample, "minute": 12.0}, {**sample, "minute": 10**30}, {**sample, "minute": float("nan")},
               {**sample, "timestamp": "2018-06-14 15:00:00+00:00"}, {**sample, "timestamp": "2018-06-14T15:00:00.5+03:00"}]
    payloads = [json.dumps(d).encode() for d in [*real, *broken, drifted, oversized, *unusual]]
    duplicate_key = json.dumps(sample)[:-1].encode() + b', "minute": 3}'
    pretty = json.dumps(sample, indent=1).encode()
    return payloads + [duplicate_key, pretty, schema_registry.frame(7, payloads[0]), b"{not json", b"[1, 2]", None]


def _by_offset(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda row: row["kafka_offset"])


@pytest.mark.parametrize("topic", TOPICS)
def test_screening_then_the_lander_lands_what_full_validation_lands(spark, contracts_dir, russia_saudi_messages, topic):
    contract = load_contract(contracts_dir, topic)
    rows = kafka_rows(spark, topic, _documents(russia_saudi_messages, topic))
    expected = _by_offset(transforms.for_postgres(transforms.validate(rows, contract, MAX_BYTES)).toArrow())
    screen = Screen(contract, MAX_BYTES)
    landed = _by_offset(sinks.validated(transforms.for_lander(rows), contract, screen))
    assert landed == expected
    # Both outcomes were covered: valid messages, drifted ones and refused ones with their reasons.
    assert sum(r["reason"] is None and r["schema_drift"] is None for r in expected) > 3
    assert any(r["schema_drift"] for r in expected) and sum(r["reason"] is not None for r in expected) >= 5


@pytest.mark.parametrize("topic", TOPICS)
def test_real_messages_skip_the_full_check(contracts_dir, russia_saudi_messages, topic):
    contract = load_contract(contracts_dir, topic)
    documents = [json.dumps(m["value"]).encode() for m in russia_saudi_messages if m["topic"] == topic]
    texts = Screen(contract, MAX_BYTES).texts(documents)
    assert texts == documents


@pytest.mark.parametrize("topic", TOPICS)
def test_what_json_schema_lets_through_and_spark_does_not_takes_the_full_check(contracts_dir, russia_saudi_messages, topic):
    """jsonschema-rs accepts 12.0 and 10**30 as integers, Python's JSON parsers NaN and a key given twice;
    Spark refuses each (or cannot type it), so the cheap test must not pass them. A message in the
    Schema Registry's wire format passes as its JSON."""
    contract = load_contract(contracts_dir, topic)
    sample = next(m["value"] for m in russia_saudi_messages if m["topic"] == topic)
    screen = Screen(contract, MAX_BYTES)
    unusual = [json.dumps(d).encode() for d in [{**sample, "minute": 12.0}, {**sample, "minute": 10**30},
                                                 {**sample, "minute": float("nan")}, {**sample, "timestamp": "2018-06-14 15:00:00+00:00"}]]
    twice, twice_escaped = json.dumps(sample)[:-1] + ', "minute": 3}', json.dumps(sample)[:-1] + ', "m\\u0069nute": 3}'
    unusual += [twice.encode(), twice_escaped.encode(), json.dumps(sample, indent=1).encode(),
                json.dumps(sample).encode()[:MAX_BYTES] + b" " * MAX_BYTES,
                # beyond a double, in a text with an escape (read by the standard parser)
                json.dumps({**sample, "minute": 7}).replace('"minute": 7', '"minute": 1e400')
                .replace('"provider": "statsbomb"', '"provider": "statsb\\u006fmb"').encode()]
    plain = json.dumps(sample).encode()
    texts, typed = screen.passed([*unusual, plain])
    assert texts == [None] * len(unusual) + [plain]
    assert typed.num_rows == 1 and typed.to_pylist()[0]["event_id"] == sample["event_id"]
    assert screen.texts([schema_registry.frame(7, plain), plain]) == [plain] * 2
