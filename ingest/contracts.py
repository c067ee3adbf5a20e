"""Loads the topic contracts (JSON Schema files in ingest/contracts/) and checks messages against them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

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
    """A compiled validator for a contract (cached: building one costs more than validating)."""
    schema = load_schema(contract)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats)


def violation(contract: str, message: Any) -> str | None:
    """Why `message` breaks the contract, in one line, or None when it satisfies it."""
    error = next(iter(validator(contract).iter_errors(message)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(message)"
    return f"{where}: {error.message}"


# A field's values the contract knows (annotation, not a rule): a value outside them that still
# passes the field's rules (e.g. its pattern) is schema drift, which is flagged, not refused.
KNOWN_VALUES = "x-known-values"


def drift(contract: str, message: Any) -> str | None:
    """How a valid message goes beyond its contract, or None: top-level fields the contract does
    not describe, and values outside a field's known values ('; '-joined, in this order, e.g.
    "unknown event_type VAR_REVIEW; extra fields: pitch_zone, var_outcome"). The landing job
    writes the same note in the `schema_drift` column (streaming.transforms.schema_drift)."""
    if not isinstance(message, dict):
        return None
    properties = load_schema(contract).get("properties", {})
    notes = [
        f"unknown {name} {message[name]}"
        for name, field in properties.items()
        if KNOWN_VALUES in field and isinstance(message.get(name), str) and message[name] not in field[KNOWN_VALUES]
    ]
    extra = sorted(name for name in message if name not in properties)
    if extra:
        notes.append("extra fields: " + ", ".join(extra))
    return "; ".join(notes) or None


def validate(contract: str, message: Any) -> None:
    """Raise ContractError when `message` breaks the contract."""
    reason = violation(contract, message)
    if reason is not None:
        raise ContractError(contract, reason)
