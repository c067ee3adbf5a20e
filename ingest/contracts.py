"""Loads the topic contracts (JSON Schema files in ingest/contracts/) and checks messages against them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from ingest.errors import ContractError

CONTRACTS_DIR = Path(__file__).resolve().parent / "contracts"
TOPICS = ("live-matches", "match-events", "player-live-stats", "team-live-stats")

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


def validate(contract: str, message: Any) -> None:
    """Raise ContractError when `message` breaks the contract."""
    reason = violation(contract, message)
    if reason is not None:
        raise ContractError(contract, reason)
