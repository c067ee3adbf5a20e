"""Wires the Kafka topics to the sinks: a query per topic validates its messages once and lands
them in PostgreSQL and Parquet, one lands the producers' dead letters, one computes the 5-minute
momentum windows; each query has its own checkpoint."""

from __future__ import annotations

import logging
import re
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path


from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.types import ArrayType, MapType, StructType

from . import batches, brokers, checkpoints, ddl, retry, sinks, transforms
from .errors import StreamingError
from .metrics import MetricsListener
from .schemas import Contract, load_contract
from .settings import TOPICS, Settings

log = logging.getLogger(__name__)


def spark_jars(settings: Settings) -> list[Path]:
    jars = sorted(settings.spark_jars_dir.glob("*.jar"))
    if not any(j.name.startswith("spark-sql-kafka") for j in jars):
        raise StreamingError(
            f"Spark's Kafka connector is not in {settings.spark_jars_dir}: run `make up` (it fetches Spark's Kafka connector) or set SPARK_JARS_DIR."
        )
    return jars


def spark_session(settings: Settings, app_name: str = "matchday-streaming") -> SparkSession:
    jars = spark_jars(settings)
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.jars", ",".join(str(j) for j in jars))
        .config("spark.sql.session.timeZone", "UTC")
        # Two cores and small batches: a few shuffle partitions keep the windows cheap.
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", settings.spark_driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.streaming.stopGracefullyOnShutdown", "true")
    )
    if settings.spark_master:
        builder = builder.master(settings.spark_master)
    return builder.getOrCreate()


def load_contracts(settings: Settings) -> dict[str, Contract]:
    """Table name -> contract, read from CONTRACTS_DIR by the topics' default names."""
    return {logical: load_contract(settings.contracts_dir, default) for logical, (_, default) in TOPICS.items()}


def migrate(settings: Settings, contracts: dict[str, Contract]) -> None:
    conn = sinks.connect(settings.postgres)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(ddl.render(contracts, settings.table_prefix))
    finally:
        conn.close()


def _kafka_stream(spark: SparkSession, settings: Settings, topics: list[str], headers: bool = False) -> DataFrame:
    return (
        spark.readStream.format("kafka")
        .options(**settings.kafka.spark_options())
        .option("subscribe", ",".join(topics))
        .option("startingOffsets", settings.starting_offsets)
        .option("maxOffsetsPerTrigger", str(settings.max_offsets_per_trigger))
        .option("includeHeaders", str(headers).lower())
        .load()
    )


def _for_postgres(rows: DataFrame) -> DataFrame:
    """Nested fields become JSON text (jsonb columns); everything else keeps its type."""
    columns = [
        F.to_json(F.col(f.name)).alias(f.name) if isinstance(f.dataType, (StructType, ArrayType, MapType)) else F.col(f.name)
        for f in rows.schema.fields
    ]
    return rows.select(*columns)


def _query_id(batch: DataFrame) -> str:
    """Id of the streaming query running this foreachBatch call; it lives in the checkpoint, so it
    is the same after a restart and different for a new checkpoint."""
    query_id = batch.sparkSession.sparkContext.getLocalProperty("sql.streaming.queryId")
    if not query_id:
        raise StreamingError("The landing batch does not know its streaming query id: run it through `python -m streaming run`.")
    return query_id


class _PostgresWriter:
    """A foreachBatch function's connection to PostgreSQL, and its writes, which wait out a short
    outage (STREAMING_POSTGRES_RETRY_SECONDS) on a new connection instead of failing the query."""

    def __init__(self, settings: Settings, checkpoint: str) -> None:
        self.settings = settings
        self.checkpoint = checkpoint
        self.conn = None

    def _connection(self):
        if self.conn is None or self.conn.closed:
            self.conn = sinks.connect(self.settings.postgres)
        return self.conn

    def _drop_connection(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
                pass
        self.conn = None

    def _write(self, batch_id: int, write):
        """`write(connection)`, retried on a new connection while PostgreSQL is unreachable."""
        what = f"{self.checkpoint.rsplit('/', 1)[-1]} batch {batch_id}"
        return retry.while_unavailable(
            lambda: write(self._connection()), what, self.settings.postgres_retry_seconds, self._drop_connection
        )


class _BatchLander(_PostgresWriter, ABC):
    """Shared part of the landing foreachBatch functions: skip a batch PostgreSQL already has,
    time the phases, log one line per batch (with its rows of schema drift)."""

    def __init__(self, settings: Settings, checkpoint: str) -> None:
        super().__init__(settings, checkpoint)
        self.timings: dict[str, float] = {}

    @contextmanager
    def _timed(self, phase: str):
        started = time.perf_counter()
        yield
        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        batches_table = self.settings.table("landed_batches")
        if self._write(batch_id, lambda conn: sinks.has_landed(conn, batches_table, self.checkpoint, batch_id)):
            return
        self.timings = {}
        upserts = self.upserts(batch, batch_id)
        dead_rows = sum(u.rows.num_rows for u in upserts if u.table == self.settings.table("dead_letter"))
        drifted = sum(u.rows.num_rows - u.rows["schema_drift"].null_count for u in upserts if "schema_drift" in u.rows.column_names)
        with self._timed("postgres"):
            self._write(batch_id, lambda conn: sinks.land_batch(conn, batches_table, self.checkpoint, batch_id, upserts, dead_rows, drifted))
        log.info(
            "%s batch %s landed: %s rows (%s with schema drift), %s dead letters; %s", self.checkpoint.rsplit("/", 1)[-1], batch_id,
            sum(u.rows.num_rows for u in upserts) - dead_rows, drifted, dead_rows,
            ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in self.timings.items()),
        )

    @abstractmethod
    def upserts(self, batch: DataFrame, batch_id: int) -> list[sinks.Upsert]:
        """What a batch lands: rows per table, dead letters included."""


class TopicLander(_BatchLander):
    """foreachBatch function of a topic's landing query, whose batches arrive parsed and validated:
    collects a batch once as Arrow, writes the accepted rows to Parquet, then lands them and the
    dead letters in PostgreSQL in one transaction with the batch id.

    A batch that Spark replays after a crash is skipped when PostgreSQL has its batch id; if the
    crash came before that commit, the batch's Parquet files (part-<query id>-<batch id>) are
    written again over themselves, so neither sink ever holds a message twice.
    """

    def __init__(self, settings: Settings, checkpoint: str, logical: str) -> None:
        super().__init__(settings, checkpoint)
        self.logical = logical
        self.topic = settings.topics[logical]

    def upserts(self, batch: DataFrame, batch_id: int) -> list[sinks.Upsert]:
        with self._timed("validate"):
            rows, refused = batches.split(batch.toArrow())
        if rows.num_rows:
            with self._timed("parquet"):
                cold = batches.with_match_date(batches.first_per_event(rows))
                sinks.write_parquet(cold, self.settings.parquet_root, self.topic, f"{_query_id(batch)}-{batch_id}")
        return [
            sinks.Upsert(table=self.settings.table(self.logical), rows=rows, key=("event_id",), order_by=("kafka_partition", "kafka_offset")),
            sinks.Upsert(table=self.settings.table("dead_letter"), rows=refused, key=("kafka_topic", "partition", "offset")),
        ]


class DeadLetterLander(_BatchLander):
    """foreachBatch function landing the producers' dead letters (already read with their headers)."""

    def upserts(self, batch: DataFrame, batch_id: int) -> list[sinks.Upsert]:
        with self._timed("read"):
            rows = batch.toArrow()
        return [sinks.Upsert(table=self.settings.table("dead_letter"), rows=rows, key=("kafka_topic", "partition", "offset"))]


class MomentumLander(_PostgresWriter):
    """foreachBatch function: upserts the windows a batch updated (their counts so far)."""

    def __call__(self, windows: DataFrame, batch_id: int) -> None:
        upsert = sinks.Upsert(
            table=self.settings.table("team_momentum_5min"),
            rows=windows.toArrow(),
            key=("match_id", "team_id", "window_start"),
            update=True,
        )
        batches_table = self.settings.table("landed_batches")
        self._write(batch_id, lambda conn: sinks.land_batch(conn, batches_table, self.checkpoint, batch_id, [upsert], 0))


def query_checkpoints(settings: Settings) -> dict[str, str]:
    """Query name -> its checkpoint folder (also its key in `landed_batches`)."""
    root = settings.checkpoint_dir.rstrip("/")
    names = [f"land-{logical}" for logical in settings.topics] + ["land-dead_letters"]
    return {**{name: f"{root}/{name}" for name in names}, "team-momentum-5min": f"{root}/momentum"}


def repair_checkpoints(spark: SparkSession, settings: Settings) -> list[checkpoints.Repair]:
    """Before any query starts: remove what a crash left half-written in each checkpoint and
    holds no committed progress (see `checkpoints`), checked against `landed_batches`."""
    batches_table = settings.table("landed_batches")
    conn = sinks.connect(settings.postgres)
    try:
        repairs = []
        for query, checkpoint in query_checkpoints(settings).items():
            landed = sinks.landed_batch_ids(conn, batches_table, checkpoint)
            repairs.append(checkpoints.repair(query, checkpoints.files_of(checkpoint, spark), landed))
        return [r for r in repairs if r]
    finally:
        conn.close()


def start(spark: SparkSession, settings: Settings, contracts: dict[str, Contract], available_now: bool) -> list[StreamingQuery]:
    spark.streams.addListener(MetricsListener(settings))
    paths = query_checkpoints(settings)

    def trigger(writer):
        return writer.trigger(availableNow=True) if available_now else writer.trigger(processingTime=settings.trigger_interval)

    queries = []
    # One landing query per topic: its contract's validation is planned once, with the query,
    # instead of for every batch (planning the checks costs seconds, running them milliseconds).
    for logical, topic in settings.topics.items():
        checkpoint = paths[f"land-{logical}"]
        validated = _for_postgres(
            transforms.validate(_kafka_stream(spark, settings, [topic]), contracts[logical], settings.max_message_bytes)
        )
        queries.append(
            trigger(
                validated.writeStream.queryName(f"land-{logical}")
                .option("checkpointLocation", checkpoint)
                .foreachBatch(TopicLander(settings, checkpoint, logical))
            ).start()
        )
    checkpoint = paths["land-dead_letters"]
    queries.append(
        trigger(
            transforms.producer_dead_letters(_kafka_stream(spark, settings, [settings.dead_letters_topic], headers=True))
            .writeStream.queryName("land-dead_letters")
            .option("checkpointLocation", checkpoint)
            .foreachBatch(DeadLetterLander(settings, checkpoint))
        ).start()
    )
    # The windows need state across batches (watermark, dedupe), so they are a query of their own.
    events = transforms.accepted(
        transforms.validate(_kafka_stream(spark, settings, [settings.topics["match_events"]]), contracts["match_events"], settings.max_message_bytes)
    )
    momentum = transforms.momentum_windows(transforms.dedupe_within_watermark(events, settings.watermark))
    momentum_checkpoint = paths["team-momentum-5min"]
    queries.append(
        trigger(
            momentum.writeStream.queryName("team-momentum-5min")
            .outputMode("update")
            .option("checkpointLocation", momentum_checkpoint)
            .foreachBatch(MomentumLander(settings, momentum_checkpoint))
        ).start()
    )
    return queries


def run(settings: Settings, available_now: bool) -> None:
    if not settings.checkpoint_dir.startswith(("s3a://", "hdfs://", "file:")):
        Path(settings.checkpoint_dir).mkdir(parents=True, exist_ok=True)
    # Everything that can be misconfigured is checked before Spark starts.
    spark_jars(settings)
    contracts = load_contracts(settings)
    brokers.check(settings.kafka)
    migrate(settings, contracts)
    spark = spark_session(settings)
    repair_checkpoints(spark, settings)
    queries = start(spark, settings, contracts, available_now)
    try:
        if available_now:
            for query in queries:
                query.awaitTermination()
        else:
            spark.streams.awaitAnyTermination()
    finally:
        try:
            # Let the metrics listener record the last progress events before the JVM stops.
            spark.sparkContext._jsc.sc().listenerBus().waitUntilEmpty(10_000)
        except Exception:  # noqa: BLE001 - best effort; metrics must not fail the run
            log.warning("metrics of the last batches may be missing")
        failed = [q for q in queries if q.exception() is not None]
        for query in queries:
            if query.isActive:
                query.stop()
        if failed:
            first = failed[0]
            raise StreamingError(brokers.refusal_in_java(settings.kafka.bootstrap_servers, str(first.exception()))
                                 or f"Query {first.name} failed: {failure_reason(str(first.exception()))}")


def failure_reason(exception_text: str) -> str:
    """The sentence to show for a failed query: our own error's message when a landing batch raised
    one (Spark wraps it in a Python traceback), else the first line of Spark's exception."""
    ours = re.findall(r"StreamingError: (.+)", exception_text)
    return ours[-1].strip() if ours else exception_text.strip().splitlines()[0][:300]
