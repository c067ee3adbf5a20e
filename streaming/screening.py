"""The cheap test of a landing batch, in Python: which messages are valid, without drift, and
simple enough to be typed by Arrow's JSON reader. Nearly every message passes it; the others are
checked in full by Spark (transforms.validate), which names every broken rule.

The test is stricter than the contract, never looser: a message it passes is one the full check
accepts with no schema drift, and its typed values are the ones Spark's from_json gives. So it
checks what the full check checks (JSON Schema, compiled once by jsonschema-rs, with each format
as the strict pattern of the form producers write, no extra field, no unknown value), plus what
JSON Schema lets through and Spark does not: duplicate keys, NaN and infinities, integers beyond
64 bits, and 12.0 for an integer, which Arrow's reader refuses (the batch's messages are then
tested one by one for it).
Anything else it is unsure of (line breaks inside a message, a format written another way, a
contract with nested fields) takes the full check. tests/streaming/test_screening.py checks that
the lander lands, row for row, what the full check lands.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import jsonschema_rs
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson
from pyspark.sql.pandas.types import to_arrow_schema

from ingest import schema_registry
from ingest.contracts import plain_schema

from .schemas import Contract

_INT64 = (-(2**63), 2**63 - 1)


class _Refused(ValueError):
    """A message the cheap test does not pass (it is checked in full)."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):  # Spark's JSON parser refuses duplicate keys
        raise _Refused("duplicate key")
    return document


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _Refused(f"{text} is beyond a double")
    return number


def _parsed(text: bytes) -> tuple[Any, bool]:
    """(the document, whether its text holds escapes). orjson refuses invalid UTF-8, NaN and
    infinities as Spark does; with escapes in the text, the standard parser, which sees a key given
    twice itself. (In UTF-8 no byte of a longer character is a backslash, a quote or a line break,
    so these are looked for in the bytes.)"""
    if b"\\" in text:
        return json.loads(text.decode("utf-8"), object_pairs_hook=_object, parse_constant=_constant, parse_float=_finite), True
    return orjson.loads(text), False


def _screening(schema: dict[str, Any]) -> dict[str, Any]:
    """The contract's plain schema (ingest.contracts.plain_schema) with each integer field within 64
    bits, as Spark types it."""
    plain = plain_schema(schema)
    properties = {}
    for name, field in plain["properties"].items():
        types = field.get("type", [])
        if "integer" in ([types] if isinstance(types, str) else types):
            field = {**field, "allOf": [*field.get("allOf", []), {"minimum": _INT64[0], "maximum": _INT64[1]}]}
        properties[name] = field
    return {**plain, "properties": properties}


# The Python types json.loads gives for a JSON type, as Spark reads it (an integer is never a float).
_PYTHON_TYPES = {"integer": (int,), "number": (int, float), "string": (str,), "boolean": (bool,)}


class Screen:
    """The cheap test of one contract (its JSON Schema as read: `contract.schema`)."""

    def __init__(self, contract: Contract, max_message_bytes: int | None) -> None:
        self.max_message_bytes = max_message_bytes
        schema = contract.schema
        flat = all(c.path.count(".") == 1 and c.json_types and set(c.json_types) <= {"integer", "number", "string", "boolean"}
                   for c in contract.checks)
        properties = schema.get("properties", {})
        # Each format must sit on its field itself, where common_forms_only replaces it (not behind a $ref or anyOf).
        formats_in_place = all(properties.get(c.path[2:], {}).get("format") == c.format for c in contract.checks if c.format)
        self.enabled = flat and formats_in_place and len(contract.checks) == len(contract.struct.fields)
        self.validator = jsonschema_rs.Draft202012Validator(_screening(schema), validate_formats=False) if self.enabled else None
        # Per field, the Python types of its allowed values (None: null, which the validator judges).
        self.types = {c.path[2:]: frozenset({type(None), *(t for j in c.json_types for t in _PYTHON_TYPES.get(j, ()))})
                      for c in contract.checks}
        arrow = to_arrow_schema(contract.struct, timezone="UTC")
        # Arrow's JSON reader reads a date from text only through a cast (below).
        self.dates = [f.name for f in arrow if pa.types.is_date32(f.type)]
        self.read_schema = pa.schema([pa.field(f.name, pa.string()) if f.name in self.dates else f for f in arrow])
        self.schema = arrow

    def text(self, value: bytes | None) -> bytes | None:
        """The JSON text (UTF-8) of a Kafka value when the message passes the cheap test (but for
        what only Arrow's reader sees: `passed`), else None."""
        if value is None or (self.max_message_bytes is not None and len(value) > self.max_message_bytes):
            return None
        _, value = schema_registry.unframe(value)
        if b"\n" in value or b"\r" in value:  # one message a line for Arrow's reader
            return None
        try:
            document, escaped = _parsed(value)
        except (ValueError, RecursionError):
            return None
        if type(document) is not dict or not self.validator.is_valid(document):
            return None  # not an object, invalid, or with drift (extra fields, an unknown value)
        # Without escapes every quote opens or closes a key or a string value: more quotes than the
        # parsed object's keys and strings account for mean a key given twice (Spark refuses it).
        if not escaped and value.count(b'"') != 2 * (len(document) + [type(v) for v in document.values()].count(str)):
            return None
        return value

    def texts(self, values: list[bytes | None]) -> list[bytes | None]:
        if not self.enabled:
            return [None] * len(values)
        return [self.text(value) for value in values]

    def typable(self, text: bytes) -> bool:
        """Whether each value of a message that passed `text` has the Python type of one Spark reads
        for its field: JSON Schema takes 12.0 for an integer, Arrow's reader and Spark do not. (Its
        numbers are finite: `_parsed` refused the others.)"""
        document, _ = _parsed(text)
        return all(type(value) in self.types[name] for name, value in document.items())

    def passed(self, values: list[bytes | None]) -> tuple[list[bytes | None], pa.Table]:
        """The cheap test of a batch's values: the texts of those that pass it (None for the others)
        and their typed fields. When Arrow's reader refuses a value that JSON Schema allows, each
        message is tested for it (`typable`). Raises pyarrow's error should the reader still refuse."""
        texts = self.texts(values)
        try:
            return texts, self.typed([text for text in texts if text is not None])
        except pa.ArrowInvalid:
            texts = [text if text is not None and self.typable(text) else None for text in texts]
            return texts, self.typed([text for text in texts if text is not None])

    def typed(self, texts: list[bytes]) -> pa.Table:
        """The typed fields of messages that passed (their UTF-8 texts), in the contract's order and
        Spark's Arrow types."""
        if not texts:
            return self.schema.empty_table()
        rows = pajson.read_json(
            io.BytesIO(b"\n".join(texts)),
            # A block holds whole messages: at least the longest.
            read_options=pajson.ReadOptions(use_threads=False, block_size=max(1 << 20, max(map(len, texts)) + 1)),
            parse_options=pajson.ParseOptions(explicit_schema=self.read_schema, unexpected_field_behavior="error"),
        )
        for name in self.dates:
            rows = rows.set_column(rows.column_names.index(name), name, pc.cast(rows[name], pa.date32()))
        return rows.select(self.schema.names).cast(self.schema)
