"""A StreamingQueryListener that writes each micro-batch's progress to streaming.pipeline_metrics."""

from __future__ import annotations

import json
import logging

from psycopg2 import sql
from pyspark.sql.streaming import StreamingQueryListener

from . import sinks
from .settings import Settings

log = logging.getLogger(__name__)


def metrics_row(progress: dict) -> dict:
    """The columns of one pipeline_metrics row from a query's progress (its JSON form)."""
    behind = [
        source.get("metrics", {})
        for source in progress.get("sources", [])
        if "maxOffsetsBehindLatest" in source.get("metrics", {})
    ]
    durations = progress.get("durationMs", {})
    watermark = progress.get("eventTime", {}).get("watermark")
    return {
        "query_name": progress.get("name"),
        "query_id": progress["id"],
        "run_id": progress["runId"],
        "batch_id": progress["batchId"],
        "progress_at": progress["timestamp"],
        "input_rows": progress.get("numInputRows", 0),
        "input_rows_per_second": _finite(progress.get("inputRowsPerSecond")),
        "processed_rows_per_second": _finite(progress.get("processedRowsPerSecond")),
        "batch_duration_ms": durations.get("triggerExecution"),
        "durations_ms": json.dumps(durations),
        # The epoch (1970) is Spark's way of saying no watermark yet.
        "watermark": None if not watermark or watermark.startswith("1970-01-01") else watermark,
        "kafka_max_offsets_behind": max((int(m["maxOffsetsBehindLatest"]) for m in behind), default=None),
        "kafka_avg_offsets_behind": max((float(m["avgOffsetsBehindLatest"]) for m in behind), default=None),
        "progress": json.dumps(progress),
    }


def _finite(value):
    return value if isinstance(value, (int, float)) and value == value and abs(value) != float("inf") else None


class MetricsListener(StreamingQueryListener):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.conn = None

    def onQueryStarted(self, event) -> None:
        pass

    def onQueryIdle(self, event) -> None:
        pass

    def onQueryTerminated(self, event) -> None:
        pass

    def onQueryProgress(self, event) -> None:
        # A metrics write must never stop the pipeline: failures are logged, not raised.
        try:
            row = metrics_row(json.loads(event.progress.json))
            if self.conn is None or self.conn.closed:
                self.conn = sinks.connect(self.settings.postgres)
                self.conn.autocommit = True
            schema, table = self.settings.table("pipeline_metrics").split(".")
            with self.conn.cursor() as cursor:
                cursor.execute(
                    sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                        sql.Identifier(schema, table),
                        sql.SQL(", ").join(map(sql.Identifier, row)),
                        sql.SQL(", ").join(sql.Placeholder() * len(row)),
                    ),
                    list(row.values()),
                )
        except Exception as error:  # noqa: BLE001 - see the comment above
            log.warning("could not record streaming progress: %s", error)
