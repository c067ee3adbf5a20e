"""Turns a topic contract (JSON Schema 2020-12) into a Spark `StructType` and a list of checks.

Supported: `type` (one or a list, "null" making a field nullable), `properties`, `required`,
`enum`, `const`, `minimum`/`maximum`, `pattern`, `format: date-time|date`, local `$ref` to `$defs`, and
`anyOf`/`oneOf` of one schema plus `{"type": "null"}`. Other keywords are not checked. The annotation
`x-known-values` lists the values a field is known to take: a valid value outside it is schema
drift (flagged, not refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DataType,
    DateType,
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from .errors import ContractSchemaError


@dataclass(frozen=True)
class FieldCheck:
    """What one field (at a JSON path like `$.shot.xg`) must satisfy."""

    path: str
    json_types: tuple[str, ...]  # JSON Schema types allowed, without "null"
    nullable: bool
    required: bool  # within its parent object (checked only when the parent is present)
    enum: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None
    pattern: str | None = None
    known_values: tuple[str, ...] | None = None  # x-known-values: others are schema drift


@dataclass(frozen=True)
class Contract:
    """A topic's contract: its Spark schema and the checks a message must pass."""

    topic: str
    struct: StructType
    checks: tuple[FieldCheck, ...]
    required: tuple[str, ...]
    schema: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # the JSON Schema as read


def load_contract(contracts_dir: Path, topic: str) -> Contract:
    """Read `<contracts_dir>/<topic>.schema.json` (topic as in Kafka's default name)."""
    path = Path(contracts_dir) / f"{topic}.schema.json"
    if not path.exists():
        raise ContractSchemaError(f"The contract {path} does not exist: set CONTRACTS_DIR to the folder of the topic JSON Schemas.")
    return contract_from_schema(topic, json.loads(path.read_text()))


def contract_from_schema(topic: str, schema: dict) -> Contract:
    converter = _Converter(schema)
    root = converter.resolve(schema)
    if "object" not in _types(root)[0]:
        raise ContractSchemaError(f"The contract of {topic} must describe a JSON object at its top level.")
    struct = converter.struct(root, "$")
    checks = tuple(converter.checks(root, "$"))
    return Contract(topic=topic, struct=struct, checks=checks, required=tuple(root.get("required", ())), schema=schema)


def _types(schema: dict) -> tuple[tuple[str, ...], bool]:
    """(JSON types other than null, whether null is allowed)."""
    declared = schema.get("type")
    if declared is None:
        if "enum" in schema or "const" in schema:
            values = schema.get("enum", [schema.get("const")])
            kinds = {_json_type(v) for v in values}
            return tuple(sorted(kinds - {"null"})), "null" in kinds
        if "properties" in schema:
            return ("object",), False
        return (), True
    declared = [declared] if isinstance(declared, str) else list(declared)
    return tuple(t for t in declared if t != "null"), "null" in declared


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


class _Converter:
    def __init__(self, root: dict) -> None:
        self.root = root

    def resolve(self, schema: dict) -> dict:
        """Follow a local `$ref`, and flatten `anyOf`/`oneOf` of X and null into nullable X."""
        if "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ContractSchemaError(f"Only local $ref are supported in contracts, not {ref!r}.")
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            return self.resolve(merged)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.resolve(option) for option in schema[key]]
                non_null = [o for o in options if o.get("type") != "null"]
                if len(non_null) != 1:
                    raise ContractSchemaError(f"{key} is supported only as one schema or null, not {schema[key]!r}.")
                kinds, _ = _types(non_null[0])
                merged = {**non_null[0], "type": [*kinds, "null"] if len(non_null) < len(options) else list(kinds)}
                rest = {k: v for k, v in schema.items() if k != key}
                return {**merged, **rest}
        return schema

    def spark_type(self, schema: dict, path: str) -> DataType:
        schema = self.resolve(schema)
        kinds, _ = _types(schema)
        if len(kinds) != 1:
            # A field of several JSON types (or of any type) is kept as its JSON text.
            return StringType()
        kind = kinds[0]
        if kind == "string":
            return {"date-time": TimestampType(), "date": DateType()}.get(schema.get("format", ""), StringType())
        if kind == "integer":
            return LongType()
        if kind == "number":
            return DoubleType()
        if kind == "boolean":
            return BooleanType()
        if kind == "array":
            items = schema.get("items")
            return ArrayType(self.spark_type(items, f"{path}[]") if isinstance(items, dict) else StringType())
        if schema.get("properties"):
            return self.struct(schema, path)
        return MapType(StringType(), StringType())

    def struct(self, schema: dict, path: str) -> StructType:
        required = set(schema.get("required", ()))
        fields = []
        for name, sub in schema.get("properties", {}).items():
            sub = self.resolve(sub)
            _, nullable = _types(sub)
            fields.append(StructField(name, self.spark_type(sub, f"{path}.{name}"), nullable or name not in required))
        return StructType(fields)

    def checks(self, schema: dict, path: str) -> list[FieldCheck]:
        found = []
        required = set(schema.get("required", ()))
        for name, sub in schema.get("properties", {}).items():
            sub = self.resolve(sub)
            kinds, nullable = _types(sub)
            sub_path = f"{path}.{name}"
            enum = tuple(sub["enum"]) if "enum" in sub else (sub["const"],) if "const" in sub else None
            found.append(
                FieldCheck(
                    path=sub_path,
                    json_types=kinds,
                    nullable=nullable,
                    required=name in required,
                    enum=enum,
                    minimum=sub.get("minimum"),
                    maximum=sub.get("maximum"),
                    format=sub.get("format"),
                    pattern=sub.get("pattern"),
                    known_values=tuple(sub["x-known-values"]) if "x-known-values" in sub else None,
                )
            )
            if kinds == ("object",):
                # Nested fields are checked when their object is present.
                found.extend(self.checks(sub, sub_path))
        return found
