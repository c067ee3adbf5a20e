"""Pure steps on a micro-batch collected to the driver as Arrow: split accepted rows from dead
letters, and keep one row per event for the cold store."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

REJECTED_BY_STREAMING = "streaming"  # rejected_by of the messages the landing job refused


# The columns of a Kafka source's rows, as validate() reads them.
KAFKA_SOURCE_COLUMNS = {"kafka_topic": "topic", "kafka_partition": "partition", "kafka_offset": "offset",
                        "kafka_timestamp": "timestamp", "kafka_key": "key"}


def screened(rows: pa.Table, texts: list[bytes | None], typed: pa.Table) -> tuple[pa.Table, pa.Table]:
    """A lander's batch (transforms.for_lander) split by the cheap test: (the rows that passed, shaped
    as `validate` makes them: `typed` (their fields), Kafka metadata, `raw` (their `texts`, UTF-8), no drift,
    no reason; the others as the Kafka source's rows, to validate in full)."""
    passed = pa.array([text is not None for text in texts], pa.bool_())
    ok, others = rows.filter(passed), rows.filter(pc.invert(passed))
    columns = {name: typed[name] for name in typed.column_names}
    columns |= {column: ok[column] for column in KAFKA_SOURCE_COLUMNS}
    columns |= {"raw": pa.array([text for text in texts if text is not None], pa.string()),
                "schema_drift": pa.nulls(ok.num_rows, pa.string()), "reason": pa.nulls(ok.num_rows, pa.string())}
    kafka = pa.table({source: others[column] for column, source in KAFKA_SOURCE_COLUMNS.items()} | {"value": others["value"]})
    return pa.table(columns), kafka


def accepted(validated: pa.Table) -> pa.Table:
    """The accepted rows of a validated topic batch (or part of one), without `reason`/`kafka_key`."""
    return validated.filter(pc.is_null(validated["reason"])).drop_columns(["reason", "kafka_key"])


def split(validated: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(accepted rows without `reason`/`kafka_key`, dead-letter rows) of a validated topic batch."""
    failed = validated.filter(pc.is_valid(validated["reason"]))
    dead = pa.table(
        {
            "topic": failed["kafka_topic"],
            "partition": failed["kafka_partition"],
            "offset": failed["kafka_offset"],
            "key": failed["kafka_key"],
            "payload": failed["raw"],
            "reason": failed["reason"],
            "kafka_timestamp": failed["kafka_timestamp"],
            "kafka_topic": failed["kafka_topic"],
            "rejected_by": pa.array([REJECTED_BY_STREAMING] * failed.num_rows, pa.string()),
        }
    )
    return accepted(validated), dead


def first_per_event(rows: pa.Table) -> pa.Table:
    """One row per event_id: the first in Kafka order (a provider's repeat in the batch is dropped)."""
    if rows.num_rows == 0:
        return rows
    ordered = rows.sort_by([("kafka_partition", "ascending"), ("kafka_offset", "ascending")])
    indexed = ordered.append_column("_row", pa.array(range(ordered.num_rows), pa.int64()))
    first = indexed.group_by("event_id", use_threads=False).aggregate([("_row", "min")])["_row_min"]
    return ordered.take(pc.sort_indices(first))


def with_match_date(rows: pa.Table) -> pa.Table:
    """Sets `match_date` (the Parquet partition beside the topic): the message's own match date,
    else the UTC date of its event time."""
    event_date = pc.cast(rows["timestamp"], pa.date32())
    if "match_date" in rows.column_names:
        dates = pc.coalesce(pc.cast(rows["match_date"], pa.date32()), event_date)
        return rows.set_column(rows.column_names.index("match_date"), "match_date", dates)
    return rows.append_column("match_date", event_date)


def unique(rows: pa.Table, key: tuple[str, ...]) -> bool:
    """Whether no two rows share `key` (a provider's repeat in a batch is the exception)."""
    return rows.group_by(list(key), use_threads=False).aggregate([]).num_rows == rows.num_rows
