"""A StreamingQueryListener that writes each micro-batch's progress to streaming.pipeline_metrics.

PySpark's listener bridge builds a Python copy of every progress event field by field, a call to the
JVM for each (its sources, durations and state operators' metrics: dozens of calls per event, on the
driver that also runs the landing batches). This listener takes each progress as the JVM's JSON
instead: one call per event. It does so through PySpark's own hook for a listener's JVM side
(`_jlistener`, private: pyspark is pinned in pyproject.toml, and
tests/streaming/test_landing_e2e.py checks a row for every landed batch)."""

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


class _ProgressAsJson:
    """The JVM's side of MetricsListener (Py4J implements Spark's Python listener interface with it):
    hands each progress event on as its JSON text, and nothing of the other events."""

    def __init__(self, record) -> None:
        self.record = record

    def onQueryStarted(self, jevent) -> None:
        pass

    def onQueryProgress(self, jevent) -> None:
        self.record(jevent.progress().json())

    def onQueryIdle(self, jevent) -> None:
        pass

    def onQueryTerminated(self, jevent) -> None:
        pass

    class Java:
        implements = ["org.apache.spark.sql.streaming.PythonStreamingQueryListener"]


class MetricsListener(StreamingQueryListener):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.conn = None

    @property
    def _jlistener(self):
        """What `spark.streams.addListener` registers in the JVM: PySpark's wrapper around _ProgressAsJson
        instead of around PySpark's own bridge (see the module's docstring)."""
        if not hasattr(self, "_jlistener_object"):
            from pyspark import SparkContext

            self._jlistener_object = SparkContext._jvm.PythonStreamingQueryListenerWrapper(_ProgressAsJson(self.record))
        return self._jlistener_object

    def onQueryStarted(self, event) -> None:
        pass

    def onQueryIdle(self, event) -> None:
        pass

    def onQueryTerminated(self, event) -> None:
        pass

    def onQueryProgress(self, event) -> None:
        self.record(event.progress.json)

    def record(self, progress_json: str) -> None:
        """Writes one progress (its JSON text) as a row of pipeline_metrics."""
        # A metrics write must never stop the pipeline: failures are logged, not raised.
        try:
            row = metrics_row(json.loads(progress_json))
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
