"""Pure DataFrame -> DataFrame steps of the landing job: validate against a contract, shape for the sinks.

They work on a batch DataFrame and a streaming one alike; the job only wires them to sources
and sinks. The full validation runs in Spark (VARIANT functions); a landing batch needs it only for
the messages that fail the lander's cheap test (streaming.screening).
"""

from __future__ import annotations

import re

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import ArrayType, MapType, StringType, StructType

from ingest import schema_registry

from .schemas import Contract, FieldCheck

KAFKA_COLUMNS = ("kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp")

_INTEGER_KINDS = ("BIGINT", "INT", "SMALLINT", "TINYINT")

# The formats the producer checks too; a date-time must state its UTC offset, as event times do.
_FORMATS = {
    "date-time": lambda text: F.try_to_timestamp(text).isNotNull() & text.rlike(r"(?i)(z|[+-]\d\d:?\d\d)$"),
    "date": lambda text: F.try_to_date(text).isNotNull() & text.rlike(r"^\d{4}-\d\d-\d\d$"),
    "uuid": lambda text: text.rlike(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
}


def _kind_matches(kind: Column, json_type: str) -> Column:
    """Whether a variant's type name (schema_of_variant) is the JSON Schema type."""
    integer = kind.isin(*_INTEGER_KINDS) | kind.rlike(r"^DECIMAL\(\d+,0\)$")
    return {
        "integer": integer,
        "number": integer | kind.startswith("DECIMAL") | kind.isin("DOUBLE", "FLOAT"),
        "string": kind == "STRING",
        "boolean": kind == "BOOLEAN",
        "object": kind.startswith("OBJECT"),
        "array": kind.startswith("ARRAY"),
    }[json_type]


def _field_columns(index: int, check: FieldCheck) -> dict[str, Column]:
    """Per field, computed once: its sub-variant, JSON type name and text (stage two of validate)."""
    value = F.try_variant_get(F.col("_doc"), check.path, "variant")
    return {
        f"_v{index}": value,
        f"_k{index}": F.schema_of_variant(value),
        f"_t{index}": F.try_variant_get(value, "$", "string"),
    }


def _field_violations(index: int, check: FieldCheck, paths: dict[str, int]) -> list[Column]:
    """`when(...)` columns, each the reason text if the field breaks one rule, else null."""
    name = check.path[2:]
    value, kind, text = F.col(f"_v{index}"), F.col(f"_k{index}"), F.col(f"_t{index}")
    present = value.isNotNull()
    is_null = present & F.is_variant_null(value)
    parent_path = check.path.rsplit(".", 1)[0]
    if parent_path == "$":
        parent_present = F.lit(True)
    else:
        parent_present = F.col(f"_k{paths[parent_path]}").startswith("OBJECT")
    has_value = present & ~is_null
    rules: list[tuple[Column, Column]] = []
    if check.required:
        rules.append((parent_present & ~present, F.lit(f"missing required field {name}")))
    if not check.nullable:
        rules.append((is_null, F.lit(f"{name} must not be null")))
    if check.json_types:
        allowed = F.lit(False)
        for json_type in check.json_types:
            allowed = allowed | _kind_matches(kind, json_type)
        wanted = " or ".join(check.json_types)
        rules.append((has_value & ~allowed, F.concat(F.lit(f"{name} must be {wanted}, not "), F.lower(kind))))
    if check.enum is not None:
        options = [str(v).lower() if isinstance(v, bool) else str(v) for v in check.enum if v is not None]
        rules.append((has_value & ~text.isin(*options), F.concat(F.lit(f"{name} has a value outside its enum: "), text)))
    if check.minimum is not None or check.maximum is not None:
        number = F.try_variant_get(value, "$", "double")
        if check.minimum is not None:
            rules.append((has_value & (number < check.minimum), F.lit(f"{name} is below its minimum {check.minimum}")))
        if check.maximum is not None:
            rules.append((has_value & (number > check.maximum), F.lit(f"{name} is above its maximum {check.maximum}")))
    if check.pattern is not None:
        # JSON Schema patterns are unanchored ECMA regexes; Java's find() has the same meaning.
        rules.append((has_value & (kind == "STRING") & ~text.rlike(check.pattern), F.lit(f"{name} does not match {check.pattern}")))
    if check.format in _FORMATS and "string" in check.json_types:
        rules.append((has_value & (kind == "STRING") & ~_FORMATS[check.format](text), F.lit(f"{name} is not a valid {check.format}")))
    return [F.when(condition, message) for condition, message in rules]


def with_reason(rows: DataFrame, contract: Contract, raw: str = "raw", passed: str | None = None) -> DataFrame:
    """Adds `reason`: why the JSON text in column `raw` breaks the contract ('; '-joined), or null.

    Staged projections compute each field's sub-value once; one giant expression would exceed
    what Spark's code generation compiles. Rows whose boolean column `passed` is true are known
    valid: every stage skips them (a CASE evaluates only the branch it takes).
    """
    todo = F.lit(True) if passed is None else ~F.col(passed)
    parsed = rows if "_doc" in rows.columns else rows.withColumn("_doc", F.try_parse_json(F.col(raw)))
    parsed = parsed.withColumn("_kind", F.when(todo, F.schema_of_variant(F.col("_doc"))))
    paths = {check.path: i for i, check in enumerate(contract.checks)}
    fields: dict[str, Column] = {}
    for i, check in enumerate(contract.checks):
        fields.update({name: F.when(todo, column) for name, column in _field_columns(i, check).items()})
    staged = parsed.withColumns(fields)
    violations = [v for i, check in enumerate(contract.checks) for v in _field_violations(i, check, paths)]
    # A column of its own: nullif() would repeat the whole expression (and outgrow code generation).
    staged = staged.withColumn("_violations", F.when(todo, F.concat_ws("; ", *violations)))
    reason = (
        F.when(~todo, F.lit(None))
        .when(F.col(raw).isNull(), F.lit("empty message"))
        .when(F.col("_doc").isNull(), F.lit("not valid JSON"))
        .when(~F.col("_kind").startswith("OBJECT"), F.lit("not a JSON object"))
        .when(F.col("_violations") != "", F.col("_violations"))
    )
    return staged.withColumn("reason", reason.cast("string")).drop(*fields, "_kind", "_violations")


# Integers beyond 64 bits (DECIMAL(n,0) in a variant) are left to the full check: from_json
# would read them as null, not as a value to check against the bounds.
_TYPE_NAMES = {
    "integer": r"BIGINT|INT|SMALLINT|TINYINT",
    "number": r"BIGINT|INT|SMALLINT|TINYINT|DECIMAL\(\d+,\d+\)|DOUBLE|FLOAT",
    "string": "STRING",
    "boolean": "BOOLEAN",
}


def signature_pattern(contract: Contract) -> str | None:
    """A regex over `", " + schema_of_variant(message)[7:]` that holds when the message is an
    object with exactly the contract's top-level fields, each of an allowed JSON type (VOID
    where null is allowed), every required one present. None when the contract has fields a
    signature cannot judge (objects, arrays): then every message takes the full check."""
    entries = []
    for check in sorted((c for c in contract.checks if c.path.count(".") == 1), key=lambda c: c.path[2:].encode()):
        if any(t not in _TYPE_NAMES for t in check.json_types) or not check.json_types:
            return None
        kinds = "|".join([_TYPE_NAMES[t] for t in check.json_types] + (["VOID"] if check.nullable else []))
        entry = f"(?:, {re.escape(check.path[2:])}: (?:{kinds}))"
        entries.append(entry if check.required else entry + "?")
    return "^" + "".join(entries) + ">$"


def _value_ok(check: FieldCheck, value: Column, text: Column | None) -> Column:
    """Whether a field of the right type (or null, or absent) meets its enum, bounds, pattern and
    format, and is one of its known values (a value beyond them is drift, which the full check notes)."""
    ok = F.lit(True)
    if check.enum is not None:
        ok = ok & value.isin(*[v for v in check.enum if v is not None])
    if check.known_values is not None:
        ok = ok & value.isin(*check.known_values)
    if check.minimum is not None:
        ok = ok & (value >= check.minimum)
    if check.maximum is not None:
        ok = ok & (value <= check.maximum)
    if check.pattern is not None:
        ok = ok & value.rlike(check.pattern)
    if check.format in _FORMATS and text is not None:
        ok = ok & _FORMATS[check.format](text)
    return value.isNull() | ok


def _fast_ok(contract: Contract, pattern: str) -> Column:
    """The cheap test most messages pass: right fields and types (one regex over the message's
    signature) and right values. A message that fails it is not rejected, only checked in full."""
    fields = {f.name: f for f in contract.struct.fields}
    signature = F.concat(F.lit(", "), F.substring(F.schema_of_variant(F.col("_doc")), 8, 1 << 20))
    ok = signature.rlike(pattern)
    for check in contract.checks:
        name = check.path[2:]
        typed = F.col(f"_typed_{name}")
        text = F.try_variant_get(F.col("_doc"), check.path, "string") if check.format in _FORMATS else None
        if check.format in _FORMATS and not isinstance(fields[name].dataType, StringType):
            value = text  # a date-time's rules are about its text
        else:
            value = typed
        ok = ok & _value_ok(check, value, text)
    return F.coalesce(ok, F.lit(False))


def quick_check(rows: DataFrame, contract: Contract) -> DataFrame:
    """Adds the parsed message `_doc`, its typed fields `_typed_<name>` and, when the contract
    allows a signature test, `_fast`: true when the message is valid by the cheap test."""
    # Typed values come from from_json (several times cheaper than a variant_get per field; the
    # two agree on every real message); which messages are valid is judged on the variant.
    parsed = (
        rows.withColumn("_doc", F.try_parse_json(F.col("raw")))
        .withColumn("_json", F.from_json(F.col("raw"), contract.struct))
        .withColumns({f"_typed_{f.name}": F.col("_json")[f.name] for f in contract.struct.fields})
        .drop("_json")
    )
    pattern = signature_pattern(contract)
    return parsed if pattern is None else parsed.withColumn("_fast", _fast_ok(contract, pattern))


def schema_drift(contract: Contract, doc: str = "_doc", raw: str = "raw") -> Column:
    """How a valid message goes beyond its contract, or null: a value outside a field's known
    values, then the top-level fields the contract does not describe, e.g. "unknown event_type
    VAR_REVIEW; extra fields: pitch_zone, var_outcome" (the producers' `schema_drift` header,
    ingest.contracts.drift, says the same)."""
    notes = [
        F.when(~text.isin(*check.known_values), F.concat(F.lit(f"unknown {check.path[2:]} "), text))
        for check in contract.checks
        if check.known_values is not None
        for text in [F.try_variant_get(F.col(doc), check.path, "string")]
    ]
    described = F.array(*[F.lit(name) for name in contract.struct.fieldNames()])
    extra = F.array_sort(F.array_except(F.json_object_keys(F.col(raw)), described))
    notes.append(F.when(F.size(extra) > 0, F.concat(F.lit("extra fields: "), F.array_join(extra, ", "))))
    return F.nullif(F.concat_ws("; ", *notes), F.lit(""))


def message_json(value: Column) -> Column:
    """The JSON bytes of a Kafka value: without the Schema Registry wire format's header (a zero
    byte and the schema id) when the producer wrote one; plain JSON never starts with a zero byte."""
    header = schema_registry.HEADER.size
    framed = (F.length(value) >= header) & (F.substring(value, 1, 1) == F.lit(bytearray([schema_registry.MAGIC_BYTE])))
    return F.when(framed, F.substring(value, header + 1, 1 << 30)).otherwise(value)


# What a dead letter keeps of a message over the size limit: enough to recognise it.
OVERSIZED_PAYLOAD_CHARS = 1024


def _messages(kafka_rows: DataFrame, max_message_bytes: int | None) -> DataFrame:
    """Kafka rows -> their metadata, the message text `_message`, its size `_bytes`, `_oversized`
    and `raw` (the text, null when oversized: such a message is not parsed)."""
    rows = kafka_rows.select(
        F.col("topic").alias("kafka_topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.col("key").cast("string").alias("kafka_key"),
        message_json(F.col("value")).cast("string").alias("_message"),
        F.length(F.col("value")).alias("_bytes"),
        F.col("value").alias("_value"),
    )
    oversized = F.lit(False) if max_message_bytes is None else F.coalesce(F.col("_bytes") > max_message_bytes, F.lit(False))
    return rows.withColumn("_oversized", oversized).withColumn("raw", F.when(~F.col("_oversized"), F.col("_message")))


def validate(kafka_rows: DataFrame, contract: Contract, max_message_bytes: int | None = None) -> DataFrame:
    """Kafka rows -> typed rows with `raw`, `reason` (null when valid), `schema_drift` (null
    unless a valid message goes beyond its contract) and Kafka metadata. Values may be plain JSON
    or in the Schema Registry's wire format (`raw` is the JSON either way).

    Messages that pass a cheap test (signature regex and value rules on the typed fields) are
    valid without more work; only the others go through `with_reason`, which costs a sub-value,
    a type name and a text per field and names every broken rule. A message longer than
    `max_message_bytes` is refused unparsed, and only its first characters are kept.
    """
    parsed = quick_check(_messages(kafka_rows, max_message_bytes), contract)
    fast = "_fast" if "_fast" in parsed.columns else None
    staged = with_reason(parsed, contract, passed=fast)
    too_big = F.concat(
        F.lit("message of "), F.col("_bytes").cast("string"),
        F.lit(f" bytes is over the limit of {max_message_bytes} bytes (STREAMING_MAX_MESSAGE_BYTES)"),
    )
    staged = staged.withColumn("reason", F.when(F.col("_oversized"), too_big).otherwise(F.col("reason")))
    # Messages that passed the cheap test have exactly the contract's fields and known values.
    checked_in_full = F.lit(True) if fast is None else ~F.col(fast)
    staged = staged.withColumns({
        "schema_drift": F.when(F.col("reason").isNull() & checked_in_full, schema_drift(contract)),
        "raw": F.when(F.col("_oversized"), F.substring(F.col("_message"), 1, OVERSIZED_PAYLOAD_CHARS)).otherwise(F.col("raw")),
    })
    typed = [F.when(F.col("reason").isNull(), F.col(f"_typed_{f.name}")).alias(f.name) for f in contract.struct.fields]
    return staged.select(*typed, *VALIDATED_COLUMNS)


# What validate() adds after a contract's typed fields.
VALIDATED_COLUMNS = (*KAFKA_COLUMNS, "kafka_key", "raw", "schema_drift", "reason")


def for_lander(kafka_rows: DataFrame) -> DataFrame:
    """What a landing query hands its lander (sinks.TopicLander): each message's Kafka metadata, its
    key as text and its value as sent. The lander tests the values in Python (streaming.screening)
    and sends only the messages that fail that cheap test to `validate`, in the same batch.

    A streaming query plans its plan again for every micro-batch, and the cheap test's JSON work
    in Spark (a VARIANT parse, its type signature, from_json) cost several times what the same
    test costs in jsonschema-rs and Arrow's JSON reader: the plan holds no JSON work at all.
    """
    return kafka_rows.select(
        F.col("topic").alias("kafka_topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.col("key").cast("string").alias("kafka_key"),
        F.col("value"),
    )


def for_postgres(rows: DataFrame) -> DataFrame:
    """Nested fields become JSON text (jsonb columns); everything else keeps its type."""
    columns = [
        F.to_json(F.col(f.name)).alias(f.name) if isinstance(f.dataType, (StructType, ArrayType, MapType)) else F.col(f.name)
        for f in rows.schema.fields
    ]
    return rows.select(*columns)


def accepted(validated: DataFrame) -> DataFrame:
    """The messages that passed their contract (drifted ones too), without the `reason` column."""
    return validated.where(F.col("reason").isNull()).drop("reason", "kafka_key")


def _header(name: str) -> Column:
    """The text of a Kafka header (the first one of that name), or null."""
    return F.try_element_at(F.filter(F.col("headers"), lambda h: h["key"] == name), F.lit(1))["value"].cast("string")


def producer_dead_letters(kafka_rows: DataFrame) -> DataFrame:
    """Messages of the dead-letters topic (read with headers) as streaming.dead_letter rows: the
    producer's headers say which topic the message was meant for, why and who refused it."""
    return kafka_rows.select(
        F.coalesce(_header("source_topic"), _header("contract"), F.col("topic")).alias("topic"),
        F.col("partition"),
        F.col("offset"),
        F.col("key").cast("string").alias("key"),
        F.col("value").cast("string").alias("payload"),
        F.coalesce(_header("reason"), F.lit("refused by a producer, no reason header")).alias("reason"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.col("topic").alias("kafka_topic"),
        F.coalesce(_header("producer"), F.lit("unknown producer")).alias("rejected_by"),
    )
