"""Spark's contract validation agrees with the JSON Schema validator on real and broken messages."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime, timezone

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from pyspark.sql import functions as F

from ingest import schema_registry
from streaming import transforms
from streaming.schemas import load_contract

KAFKA_SCHEMA = "key binary, value binary, topic string, partition int, offset long, timestamp timestamp, timestampType int"


def reference_validator(schema: dict) -> Draft202012Validator:
    """jsonschema with the formats the contracts' README says are enforced."""
    formats = FormatChecker(["uuid", "date"])

    @formats.checks("date-time", raises=ValueError)
    def _datetime(value):  # noqa: ANN001
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    return Draft202012Validator(schema, format_checker=formats)


def kafka_rows(spark, topic: str, payloads: list[bytes | None]):
    rows = [(b"k", p, topic, 0, i, datetime(2026, 1, 1, tzinfo=timezone.utc), 0) for i, p in enumerate(payloads)]
    return spark.createDataFrame(rows, KAFKA_SCHEMA)


def broken_variants(message: dict) -> dict[str, object]:
    """Each kind of violation, made from one real message."""
    def edit(**changes):
        out = copy.deepcopy(message)
        for name, value in changes.items():
            if value is _DROP:
                out.pop(name)
            else:
                out[name] = value
        return out

    return {
        "missing match_id": edit(match_id=_DROP),
        "minute as text": edit(minute="12"),
        "minute negative": edit(minute=-1),
        "minute fractional": edit(minute=12.5),
        "period 6": edit(period=6),
        "malformed event_type": edit(event_type="tele port"),
        "null event_type": edit(event_type=None),
        "xg above 1": edit(xg=1.5),
        "team_side sideways": edit(team_side="sideways"),
        "match_id without provider": edit(match_id="7525"),
        "timestamp without offset": edit(timestamp="2018-06-14T15:00:00"),
        "timestamp not a time": edit(timestamp="kick-off"),
        "event_id not a uuid": edit(event_id="event-1"),
        "schema_version 2": edit(schema_version=2),
        "team_id as bool": edit(team_id=True),
        "home_score as object": edit(home_score={"goals": 1}),
    }


_DROP = object()


def test_real_and_broken_match_events_are_judged_like_jsonschema(spark, contracts_dir, russia_saudi_messages):
    schema = json.loads((contracts_dir / "match-events.schema.json").read_text())
    reference = reference_validator(schema)
    real = [m["value"] for m in russia_saudi_messages if m["topic"] == "match-events"][::10]
    shot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events" and m["value"]["xg"])
    broken = broken_variants(shot)
    drifted = {**shot, "pitch_zone": "final third"}  # an extra field is schema drift, not an error
    documents = real + list(broken.values()) + [drifted]
    payloads = [json.dumps(d).encode() for d in documents]
    validated = transforms.validate(kafka_rows(spark, "match-events", payloads), load_contract(contracts_dir, "match-events"))
    reasons = {row.kafka_offset: row.reason for row in validated.select("kafka_offset", "reason").collect()}
    for offset, document in enumerate(documents):
        expected_valid = reference.is_valid(document)
        assert (reasons[offset] is None) == expected_valid, (document, reasons[offset])
    # The hand-made breaks are all invalid (so the comparison above covered both outcomes).
    assert all(reasons[len(real) + i] for i in range(len(broken)))
    assert sum(r is None for r in reasons.values()) == len(real) + 1


def test_reasons_name_the_field_and_the_rule(spark, contracts_dir, russia_saudi_messages):
    shot = next(m["value"] for m in russia_saudi_messages if m["topic"] == "match-events" and m["value"]["xg"])
    broken = broken_variants(shot)
    names = list(broken)
    payloads = [json.dumps(broken[n]).encode() for n in names] + [b"{not json", b"[1, 2]", None, b'"text"']
    validated = transforms.validate(kafka_rows(spark, "match-events", payloads), load_contract(contracts_dir, "match-events"))
    reasons = {row.kafka_offset: row.reason for row in validated.select("kafka_offset", "reason").collect()}
    by_name = {name: reasons[i] for i, name in enumerate(names)}
    assert by_name["missing match_id"] == "missing required field match_id"
    assert by_name["minute as text"] == "minute must be integer, not string"
    assert by_name["minute negative"] == "minute is below its minimum 0"
    assert by_name["malformed event_type"] == "event_type does not match ^[A-Z][A-Z0-9_]*$"
    assert by_name["team_side sideways"] == "team_side has a value outside its enum: sideways"
    assert by_name["null event_type"] == "event_type must not be null"
    assert by_name["xg above 1"] == "xg is above its maximum 1"
    assert by_name["timestamp without offset"] == "timestamp is not a valid date-time"
    assert by_name["match_id without provider"].startswith("match_id does not match")
    assert reasons[len(names)] == "not valid JSON"
    assert reasons[len(names) + 1] == "not a JSON object"
    assert reasons[len(names) + 2] == "empty message"
    assert reasons[len(names) + 3] == "not a JSON object"


@pytest.mark.parametrize("topic", ["live-matches", "player-live-stats", "team-live-stats"])
def test_every_real_message_of_the_other_topics_passes(spark, contracts_dir, russia_saudi_messages, topic):
    documents = [m["value"] for m in russia_saudi_messages if m["topic"] == topic]
    payloads = [json.dumps(d).encode() for d in documents]
    validated = transforms.validate(kafka_rows(spark, topic, payloads), load_contract(contracts_dir, topic))
    assert validated.where("reason IS NOT NULL").count() == 0
    assert validated.count() == len(documents)


def test_typed_columns_hold_the_message_values(spark, contracts_dir, russia_saudi_messages):
    first = next(m["value"] for m in russia_saudi_messages if m["topic"] == "live-matches")
    validated = transforms.validate(
        kafka_rows(spark, "live-matches", [json.dumps(first).encode()]), load_contract(contracts_dir, "live-matches")
    )
    row = transforms.accepted(validated).collect()[0]
    # The opener's facts as StatsBomb records them (data/NOTICE.md).
    assert (row.match_id, row.home_team_name, row.away_team_name) == ("statsbomb:7525", "Russia", "Saudi Arabia")
    assert row.kickoff == datetime(2018, 6, 14, 15, 0)
    assert row.match_date == date(2018, 6, 14)
    assert row.home_team_id == 796 and row.status == "SCHEDULED" and row.period is None
    assert json.loads(row.raw) == first
    assert re.fullmatch(r"[0-9a-f-]{36}", row.event_id)


def test_messages_in_the_schema_registry_wire_format_land_like_plain_json(spark, contracts_dir, russia_saudi_messages):
    documents = [m["value"] for m in russia_saudi_messages if m["topic"] == "match-events"][:20]
    plain = [json.dumps(d).encode() for d in documents]
    framed = [schema_registry.frame(7, p) for p in plain]
    contract = load_contract(contracts_dir, "match-events")
    rows = transforms.validate(kafka_rows(spark, "match-events", framed + plain), contract).collect()
    assert [r.reason for r in rows] == [None] * 40
    assert [json.loads(r.raw) for r in rows] == documents + documents
    assert [r.event_id for r in rows[:20]] == [d["event_id"] for d in documents]


@pytest.mark.parametrize("topic", ["live-matches", "match-events", "player-live-stats", "team-live-stats"])
def test_real_messages_pass_the_cheap_test_and_broken_ones_take_the_full_check(spark, contracts_dir, russia_saudi_messages, topic):
    contract = load_contract(contracts_dir, topic)
    documents = [m["value"] for m in russia_saudi_messages if m["topic"] == topic]
    rows = kafka_rows(spark, topic, [json.dumps(d).encode() for d in documents]).select(F.col("value").cast("string").alias("raw"))
    assert transforms.quick_check(rows, contract).where("_fast").count() == len(documents)
    if topic == "match-events":
        shot = next(d for d in documents if d["xg"])
        # Beyond 64 bits: from_json cannot read it, so only the full check may judge it.
        huge = {**shot, "period": 10**30}
        broken = [json.dumps(b).encode() for b in [*broken_variants(shot).values(), huge]]
        rows = kafka_rows(spark, topic, broken).select(F.col("value").cast("string").alias("raw"))
        assert transforms.quick_check(rows, contract).where("_fast").count() == 0
