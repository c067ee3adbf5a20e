"""Schema drift: a new, well-formed event type or fields beyond the contract are landed with a
note, not refused; the landing job's note is the producers' (`ingest.contracts.drift`)."""

from __future__ import annotations

import json

import pytest

from ingest import contracts
from streaming import transforms
from streaming.schemas import load_contract
from test_validation import kafka_rows

pytestmark = pytest.mark.faults


def _judged(spark, contracts_dir, topic: str, documents: list) -> list:
    payloads = [json.dumps(d).encode() if not isinstance(d, bytes) else d for d in documents]
    validated = transforms.validate(kafka_rows(spark, topic, payloads), load_contract(contracts_dir, topic))
    return validated.select("kafka_offset", "event_type" if topic == "match-events" else "event_id", "schema_drift", "reason").orderBy("kafka_offset").collect()


def test_a_new_event_type_and_extra_fields_are_flagged_not_refused(spark, contracts_dir, russia_saudi_messages):
    shot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events" and m["value"]["xg"])
    documents = [
        shot,
        {**shot, "event_type": "VAR_REVIEW"},
        {**shot, "var_outcome": "goal stands", "pitch_zone": "box"},
        {**shot, "event_type": "VAR_REVIEW", "var_outcome": "goal stands"},
        {**shot, "event_type": "VAR2"},
        # Malformed types are not drift: they break the contract.
        {**shot, "event_type": ""},
        {**shot, "event_type": "var review"},
        {**shot, "event_type": 12},
        {**shot, "event_type": "12"},
    ]
    rows = _judged(spark, contracts_dir, "match-events", documents)
    assert [(r.event_type, r.schema_drift, r.reason) for r in rows] == [
        ("SHOT", None, None),
        ("VAR_REVIEW", "unknown event_type VAR_REVIEW", None),
        ("SHOT", "extra fields: pitch_zone, var_outcome", None),
        ("VAR_REVIEW", "unknown event_type VAR_REVIEW; extra fields: var_outcome", None),
        ("VAR2", "unknown event_type VAR2", None),
        (None, None, "event_type does not match ^[A-Z][A-Z0-9_]*$"),
        (None, None, "event_type does not match ^[A-Z][A-Z0-9_]*$"),
        (None, None, "event_type must be string, not bigint"),
        (None, None, "event_type does not match ^[A-Z][A-Z0-9_]*$"),
    ]
    # The producers say the same in their schema_drift header, and refuse the same messages.
    for document, row in zip(documents, rows):
        assert (contracts.violation("match-events", document) is None) == (row.reason is None)
        if row.reason is None:
            assert contracts.drift("match-events", document) == row.schema_drift


def test_drifted_rows_keep_their_raw_json_and_stay_accepted(spark, contracts_dir, russia_saudi_messages):
    shot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events" and m["value"]["xg"])
    drifted = {**shot, "event_type": "VAR_REVIEW", "var_outcome": "goal stands"}
    validated = transforms.validate(kafka_rows(spark, "match-events", [json.dumps(drifted).encode()]), load_contract(contracts_dir, "match-events"))
    row = transforms.accepted(validated).collect()[0]
    assert json.loads(row.raw) == drifted
    assert (row.event_id, row.minute, row.xg) == (shot["event_id"], shot["minute"], shot["xg"])


@pytest.mark.parametrize("topic", ["live-matches", "match-events", "player-live-stats", "team-live-stats"])
def test_real_messages_have_no_schema_drift(spark, contracts_dir, russia_saudi_messages, topic):
    documents = [m["value"] for m in russia_saudi_messages if m["topic"] == topic]
    rows = _judged(spark, contracts_dir, topic, documents)
    assert len(rows) == len(documents)
    assert [r for r in rows if r.schema_drift is not None or r.reason is not None] == []
    assert all(contracts.drift(topic, d) is None for d in documents)


def test_extra_fields_on_another_topic_are_flagged_too(spark, contracts_dir, russia_saudi_messages):
    snapshot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "live-matches")
    rows = _judged(spark, contracts_dir, "live-matches", [{**snapshot, "weather": "sunny"}])
    assert [(r.schema_drift, r.reason) for r in rows] == [("extra fields: weather", None)]


def test_a_message_over_the_size_limit_is_refused_unparsed_and_cut(spark, contracts_dir, russia_saudi_messages):
    shot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events" and m["value"]["xg"])
    big = json.dumps({**shot, "padding": "x" * 500_000}).encode()
    small = json.dumps(shot).encode()
    validated = transforms.validate(kafka_rows(spark, "match-events", [big, small]), load_contract(contracts_dir, "match-events"), max_message_bytes=65536)
    rows = validated.select("kafka_offset", "event_id", "raw", "reason").orderBy("kafka_offset").collect()
    assert rows[0].reason == f"message of {len(big)} bytes is over the limit of 65536 bytes (STREAMING_MAX_MESSAGE_BYTES)"
    assert rows[0].event_id is None and rows[0].raw == big[:1024].decode()
    assert (rows[1].event_id, rows[1].reason, rows[1].raw) == (shot["event_id"], None, small.decode())
