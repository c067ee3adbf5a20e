"""The landing queries plan only the contracts' cheap test (transforms.screen); the lander checks the
rest in full (sinks.validated). Together they must land exactly what the full validation would:
the same typed values, reasons and schema drift, row for row."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from streaming import sinks, transforms
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
    payloads = [json.dumps(d).encode() for d in [*real, *broken, drifted, oversized]]
    return payloads + [b"{not json", b"[1, 2]", None]


def _by_offset(table: pa.Table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda row: row["kafka_offset"])


@pytest.mark.parametrize("topic", TOPICS)
def test_screening_then_the_lander_lands_what_full_validation_lands(spark, contracts_dir, russia_saudi_messages, topic):
    contract = load_contract(contracts_dir, topic)
    rows = kafka_rows(spark, topic, _documents(russia_saudi_messages, topic))
    expected = _by_offset(transforms.for_postgres(transforms.validate(rows, contract, MAX_BYTES)).toArrow())
    screened = transforms.for_postgres(transforms.screen(rows, contract, MAX_BYTES))
    landed = _by_offset(sinks.validated(screened, contract, MAX_BYTES))
    assert landed == expected
    # Both outcomes were covered: valid messages, drifted ones and refused ones with their reasons.
    assert sum(r["reason"] is None and r["schema_drift"] is None for r in expected) > 3
    assert any(r["schema_drift"] for r in expected) and sum(r["reason"] is not None for r in expected) >= 5


@pytest.mark.parametrize("topic", TOPICS)
def test_real_messages_skip_the_full_check(spark, contracts_dir, russia_saudi_messages, topic):
    contract = load_contract(contracts_dir, topic)
    documents = [json.dumps(m["value"]).encode() for m in russia_saudi_messages if m["topic"] == topic]
    screened = transforms.screen(kafka_rows(spark, topic, documents), contract, MAX_BYTES).toArrow()
    assert screened.num_rows == len(documents)
    assert screened[transforms.SCREENED].to_pylist() == [True] * len(documents)
    assert screened[transforms.UNSCREENED_VALUE].null_count == len(documents)
