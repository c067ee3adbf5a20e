"""The Spark schemas derived from the topic contracts, checked against the JSON Schema files."""

import json

import pytest
from pyspark.sql.types import BooleanType, DateType, DoubleType, LongType, StringType, TimestampType

from streaming.errors import ContractSchemaError, StreamingError
from streaming.schemas import contract_from_schema, load_contract
from streaming.settings import TOPICS

TOPIC_NAMES = [default for _, default in TOPICS.values()]


@pytest.mark.parametrize("topic", TOPIC_NAMES)
def test_every_contract_property_is_a_column_in_order(contracts_dir, topic):
    schema = json.loads((contracts_dir / f"{topic}.schema.json").read_text())
    contract = load_contract(contracts_dir, topic)
    assert contract.struct.fieldNames() == list(schema["properties"])
    assert set(contract.required) == set(schema["required"])


def test_match_events_types_follow_the_json_types(contracts_dir):
    fields = {f.name: f for f in load_contract(contracts_dir, "match-events").struct.fields}
    assert fields["match_id"].dataType == StringType() and not fields["match_id"].nullable
    assert fields["timestamp"].dataType == TimestampType()
    assert fields["minute"].dataType == LongType()
    assert fields["schema_version"].dataType == LongType()  # from `const: 1`
    assert fields["xg"].dataType == DoubleType() and fields["xg"].nullable
    assert fields["team_id"].dataType == LongType() and fields["team_id"].nullable
    assert fields["event_type"].dataType == StringType()


def test_live_matches_dates_and_flags(contracts_dir):
    live = {f.name: f.dataType for f in load_contract(contracts_dir, "live-matches").struct.fields}
    assert live["match_date"] == DateType()
    assert live["kickoff"] == TimestampType()
    team = {f.name: f.dataType for f in load_contract(contracts_dir, "team-live-stats").struct.fields}
    assert team["is_final"] == BooleanType()


def test_checks_carry_enum_bounds_and_required(contracts_dir):
    checks = {c.path: c for c in load_contract(contracts_dir, "match-events").checks}
    assert checks["$.team_side"].enum == ("home", "away", None)
    # event_type is open to new well-formed types: a pattern, and the known ones as an annotation.
    event_type = checks["$.event_type"]
    assert "PASS" in event_type.known_values and event_type.enum is None and event_type.required
    assert event_type.pattern == "^[A-Z][A-Z0-9_]*$"
    assert (checks["$.period"].minimum, checks["$.period"].maximum) == (1, 5)
    assert checks["$.team_side"].nullable and not checks["$.team_side"].required


def test_refs_and_nullable_any_of_are_resolved():
    schema = {
        "type": "object",
        "$defs": {"score": {"type": "integer", "minimum": 0}},
        "properties": {
            "home": {"$ref": "#/$defs/score"},
            "shot": {"anyOf": [{"type": "object", "properties": {"xg": {"type": "number"}}, "required": ["xg"]}, {"type": "null"}]},
        },
        "required": ["home"],
    }
    contract = contract_from_schema("t", schema)
    assert contract.struct["home"].dataType == LongType()
    assert contract.struct["shot"].dataType.fieldNames() == ["xg"] and contract.struct["shot"].nullable
    checks = {c.path: c for c in contract.checks}
    assert checks["$.home"].minimum == 0
    assert checks["$.shot.xg"].required


def test_a_missing_contract_says_which_setting_to_change(tmp_path):
    with pytest.raises(ContractSchemaError, match="CONTRACTS_DIR") as raised:
        load_contract(tmp_path, "match-events")
    assert isinstance(raised.value, StreamingError)


def test_remote_refs_are_refused():
    with pytest.raises(ContractSchemaError, match="local"):
        contract_from_schema("t", {"type": "object", "properties": {"a": {"$ref": "https://x/y.json"}}})
