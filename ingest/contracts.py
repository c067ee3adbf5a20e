"""Loads the topic contracts (JSON Schema files in ingest/contracts/) and checks messages against them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker

from ingest import vocabulary
from ingest.errors import ContractError

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"
TOPICS = vocabulary.CONTRACTS

_formats = FormatChecker(["uuid", "date"])


# jsonschema checks date-time only with an optional extra package; the stdlib parser
# accepts the ISO-8601 forms we produce, and we insist on an explicit UTC offset.
@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value).tzinfo is not None


def schema_path(contract: str) -> Path:
    """Path of the JSON Schema file of a contract (a topic's contract name, e.g. 'match-events')."""
    return CONTRACTS_DIR / f"{contract}.schema.json"


@cache
def load_schema(contract: str) -> dict[str, Any]:
    """The JSON Schema of a contract, as a dict."""
    if contract not in TOPICS:
        raise ContractError(contract, f"no contract named {contract!r}; known: {', '.join(TOPICS)}")
    return json.loads(schema_path(contract).read_text())


@cache
def current_version(contract: str) -> int:
    """The `schema_version` producers write for a contract: the newest its schema accepts."""
    field = load_schema(contract)["properties"]["schema_version"]
    return max(field.get("enum", [field.get("const")]))


@cache
def validator(contract: str) -> Draft202012Validator:
    """The reference validator of a contract (jsonschema): it explains a rejection (cached:
    building one costs more than validating)."""
    schema = load_schema(contract)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats)


def _format_predicate(name: str):
    """The reference's own check of a format, as a predicate: both validators judge a uuid, a
    date and a date-time by the same code."""
    check, raises = _formats.checkers[name]

    def conforms(value: object) -> bool:
        try:
            return bool(check(value))
        except raises:
            return False
    return conforms


# The forms of a uuid and a date-time the producers write, as patterns checked in Rust: every
# string that matches one is accepted by the reference's check of its format (Python's uuid and
# datetime parsers; tests/ingest/test_fast_validator.py tries them), so only the other strings
# need a call back into Python. A date-time's day goes to 28 in February, 29 and 30 in the other
# months, 31 in the long ones: 29 February (a leap day or not) is left to Python's parser.
COMMON_FORMS = {
    "uuid": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "date-time": (
        "^[1-9][0-9]{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
        "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{3}|\\.[0-9]{6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
    ),
}


# A field's values the contract knows (annotation, not a rule): a value outside them that still
# passes the field's rules (e.g. its pattern) is schema drift, which is flagged, not refused.
KNOWN_VALUES = "x-known-values"


# A date as producers write it: the date part of the common date-time (days that exist, 29
# February left to the reference's parser).
STRICT_FORMS = {**COMMON_FORMS, "date": COMMON_FORMS["date-time"].split("T", 1)[0] + "$"}


def _formats_replaced(schema: dict[str, Any], forms: dict[str, str], check) -> dict[str, Any]:
    """The schema with each top-level field's format in `forms` replaced by `check(format,
    pattern)`, added to the field's allOf."""
    properties = {}
    for name, field in schema.get("properties", {}).items():
        form = field.get("format")
        if form in forms:
            field = {key: value for key, value in field.items() if key != "format"}
            field["allOf"] = [*field.get("allOf", []), check(form, forms[form])]
        properties[name] = field
    return {**schema, "properties": properties}


def common_forms_only(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each top-level format replaced by the pattern of its common form
    (STRICT_FORMS): stricter than the format, checked without calling back into Python."""
    return _formats_replaced(schema, STRICT_FORMS, lambda form, pattern: {"pattern": pattern})


def _common_forms_first(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each top-level field of a format in COMMON_FORMS checked first by its
    pattern: `anyOf: [pattern, format]` passes the common form without calling back into Python
    and leaves any other string to the reference's check, so the verdict is the reference's."""
    return _formats_replaced(schema, COMMON_FORMS,
                             lambda form, pattern: {"anyOf": [{"pattern": pattern}, {"format": form}]})


@cache
def fast_validator(contract: str) -> jsonschema_rs.Validator:
    """The contract compiled once by jsonschema-rs (draft 2020-12 in Rust): it decides whether a
    message is valid, some ten times faster than the reference, on every message a producer sends."""
    formats = {name: _format_predicate(name) for name in _formats.checkers}
    return jsonschema_rs.Draft202012Validator(_common_forms_first(load_schema(contract)), formats=formats,
                                              validate_formats=True)


def _fast_accepts(contract: str, message: Any) -> bool:
    try:
        return fast_validator(contract).is_valid(message)
    except ValueError:  # a value JSON has no type for (a datetime, an int key): the reference judges it
        return False


def plain_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with nothing beyond it: no field it does not describe, no string outside a
    field's known values, formats in their common forms only (common_forms_only)."""
    schema = common_forms_only(schema)
    properties = {}
    for name, field in schema.get("properties", {}).items():
        if KNOWN_VALUES in field:
            known = {"anyOf": [{"not": {"type": "string"}}, {"enum": sorted(field[KNOWN_VALUES])}]}
            field = {**field, "allOf": [*field.get("allOf", []), known]}
        properties[name] = field
    return {**schema, "properties": properties, "additionalProperties": False}


@cache
def plain_validator(contract: str) -> jsonschema_rs.Validator:
    """The contract's plain_schema compiled by jsonschema-rs. A message it passes is valid and has
    no drift, told in one call in Rust; what it refuses is judged by violation() and drift()."""
    return jsonschema_rs.Draft202012Validator(plain_schema(load_schema(contract)), validate_formats=False)


def verdict(contract: str, message: Any) -> tuple[str | None, str | None]:
    """(violation, drift) of a message: why it breaks the contract (None when it satisfies it),
    and, when it satisfies it, how it goes beyond it (None when it does not). Nearly every
    message is plain, which one call tells; the others go through violation() and drift()."""
    try:
        if plain_validator(contract).is_valid(message):
            return None, None
    except ValueError:  # a value JSON has no type for: the reference judges it
        pass
    reason = violation(contract, message)
    return reason, (drift(contract, message) if reason is None else None)


def violation(contract: str, message: Any) -> str | None:
    """Why `message` breaks the contract, in one line, or None when it satisfies it.

    The fast validator passes the valid messages (nearly all of them); a message it refuses is
    judged again by the reference validator, whose first error is the reason. So the verdict and
    the reason are the reference's: where the two differ (the fast one is stricter on a few edge
    cases, e.g. a trailing newline that Python's `$` lets through, or NaN), the reference wins.
    tests/ingest/test_contracts.py checks that they agree on real and broken messages."""
    if _fast_accepts(contract, message):
        return None
    return reference_violation(contract, message)


def reference_violation(contract: str, message: Any) -> str | None:
    """`violation` by the reference validator alone (jsonschema)."""
    error = next(iter(validator(contract).iter_errors(message)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(message)"
    return f"{where}: {error.message}"


@cache
def _described(contract: str) -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]:
    """The fields a contract describes, and each field with known values with them: read from
    the schema once, as drift() runs on every message a producer sends."""
    properties = load_schema(contract).get("properties", {})
    known = tuple((name, frozenset(field[KNOWN_VALUES])) for name, field in properties.items() if KNOWN_VALUES in field)
    return frozenset(properties), known


def drift(contract: str, message: Any) -> str | None:
    """How a valid message goes beyond its contract, or None: top-level fields the contract does
    not describe, and values outside a field's known values ('; '-joined, in this order, e.g.
    "unknown event_type VAR_REVIEW; extra fields: pitch_zone, var_outcome"). The landing job
    writes the same note in the `schema_drift` column (streaming.transforms.schema_drift)."""
    if not isinstance(message, dict):
        return None
    described, known = _described(contract)
    notes = [
        f"unknown {name} {message[name]}"
        for name, values in known
        if isinstance(message.get(name), str) and message[name] not in values
    ]
    if not described.issuperset(message):  # a message without extra fields is told in one pass in C
        notes.append("extra fields: " + ", ".join(sorted(message.keys() - described)))
    return "; ".join(notes) or None


def validate(contract: str, message: Any) -> None:
    """Raise ContractError when `message` breaks the contract."""
    reason = violation(contract, message)
    if reason is not None:
        raise ContractError(contract, reason)
