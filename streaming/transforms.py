"""Pure DataFrame -> DataFrame steps of the landing job: validate against a contract, dedupe, window.

They work on a batch DataFrame and a streaming one alike; the job only wires them to sources
and sinks. Validation runs in Spark (VARIANT functions) so it scales out with the cluster.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from .schemas import Contract, FieldCheck

KAFKA_COLUMNS = ("kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp")
DEAD_LETTER_COLUMNS = ("topic", "partition", "offset", "key", "payload", "reason")

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


def with_reason(rows: DataFrame, contract: Contract, raw: str = "raw") -> DataFrame:
    """Adds `reason`: why the JSON text in column `raw` breaks the contract ('; '-joined), or null.

    Staged projections compute each field's sub-value once; one giant expression would exceed
    what Spark's code generation compiles.
    """
    parsed = rows.withColumn("_doc", F.try_parse_json(F.col(raw)))
    parsed = parsed.withColumn("_kind", F.schema_of_variant(F.col("_doc")))
    paths = {check.path: i for i, check in enumerate(contract.checks)}
    fields: dict[str, Column] = {}
    for i, check in enumerate(contract.checks):
        fields.update(_field_columns(i, check))
    staged = parsed.withColumns(fields)
    violations = [v for i, check in enumerate(contract.checks) for v in _field_violations(i, check, paths)]
    joined = F.concat_ws("; ", *violations)
    reason = (
        F.when(F.col(raw).isNull(), F.lit("empty message"))
        .when(F.col("_doc").isNull(), F.lit("not valid JSON"))
        .when(~F.col("_kind").startswith("OBJECT"), F.lit("not a JSON object"))
        .otherwise(F.nullif(joined, F.lit("")))
    )
    return staged.withColumn("reason", reason).drop(*fields, "_kind")


def validate(kafka_rows: DataFrame, contract: Contract) -> DataFrame:
    """Kafka rows -> typed rows with `raw`, `reason` (null when valid) and Kafka metadata."""
    staged = with_reason(
        kafka_rows.select(
            F.col("topic").alias("kafka_topic"),
            F.col("partition").alias("kafka_partition"),
            F.col("offset").alias("kafka_offset"),
            F.col("timestamp").alias("kafka_timestamp"),
            F.col("key").cast("string").alias("kafka_key"),
            F.col("value").cast("string").alias("raw"),
        ),
        contract,
    )
    typed = [
        F.when(F.col("reason").isNull(), F.try_variant_get(F.col("_doc"), f"$.{f.name}", f.dataType.simpleString())).alias(f.name)
        for f in contract.struct.fields
    ]
    return staged.select(*typed, *KAFKA_COLUMNS, "kafka_key", "raw", "reason")


def accepted(validated: DataFrame) -> DataFrame:
    """The messages that passed their contract, without the `reason` column."""
    return validated.where(F.col("reason").isNull()).drop("reason", "kafka_key")


def dead_letters(validated: DataFrame) -> DataFrame:
    """The messages that failed, as streaming.dead_letter rows (topic, partition, offset, ...)."""
    return validated.where(F.col("reason").isNotNull()).select(
        F.col("kafka_topic").alias("topic"),
        F.col("kafka_partition").alias("partition"),
        F.col("kafka_offset").alias("offset"),
        F.col("kafka_key").alias("key"),
        F.col("raw").alias("payload"),
        F.col("reason"),
        F.col("kafka_timestamp"),
    )


def with_match_date(rows: DataFrame, event_time: str = "timestamp") -> DataFrame:
    """Adds `match_date` (UTC date of the event time), the Parquet partition beside the topic."""
    if "match_date" in rows.columns:
        return rows.withColumn("match_date", F.coalesce(F.col("match_date").cast("date"), F.to_date(event_time)))
    return rows.withColumn("match_date", F.to_date(event_time))


def dedupe_within_watermark(rows: DataFrame, watermark: str, event_time: str = "timestamp") -> DataFrame:
    """Drops repeated provider messages (same event_id) seen within the watermark."""
    return rows.withWatermark(event_time, watermark).dropDuplicatesWithinWatermark(["event_id"])


SHOT_TYPES = ("SHOT", "GOAL", "PENALTY_GOAL", "PENALTY_MISSED")
# StatsBomb's shot outcomes that reached the goal frame (a goal, or a save on it).
ON_TARGET_OUTCOMES = ("Goal", "Saved", "Saved To Post")
ON_BALL_TYPES = ("PASS", "CARRY", "DRIBBLE", *SHOT_TYPES)
FINAL_THIRD = 200 / 3  # location_x is percent of the pitch length, in attack direction


def momentum_windows(events: DataFrame, width: str = "5 minutes") -> DataFrame:
    """Per match, team and tumbling window of event time: shots, shots on target, xG, passes
    and attacking actions (on-ball actions in the final third). Shoot-outs are not play."""
    in_play = events.where(F.col("team_id").isNotNull() & (F.col("period") < 5))
    is_shot = F.col("event_type").isin(*SHOT_TYPES)
    on_target = F.col("event_type").isin("GOAL", "PENALTY_GOAL") | (is_shot & F.col("outcome").isin(*ON_TARGET_OUTCOMES))
    attacking = F.col("event_type").isin(*ON_BALL_TYPES) & (F.col("location_x") >= FINAL_THIRD)
    return (
        in_play.groupBy(F.window("timestamp", width).alias("window"), "match_id", "team_id")
        .agg(
            F.max("team_name").alias("team_name"),
            F.count_if(is_shot).alias("shots"),
            F.count_if(on_target).alias("shots_on_target"),
            F.coalesce(F.sum(F.when(is_shot, F.col("xg"))), F.lit(0.0)).alias("xg"),
            F.count_if(F.col("event_type") == "PASS").alias("passes"),
            F.count_if(attacking).alias("attacking_actions"),
        )
        .select(
            "match_id",
            "team_id",
            "team_name",
            F.col("window.start").alias("window_start"),
            F.col("window.end").alias("window_end"),
            "shots",
            "shots_on_target",
            "xg",
            "passes",
            "attacking_actions",
        )
    )
