"""Wires the Kafka topics to the sinks: one query landing PostgreSQL, one Parquet query per topic,
and one for the 5-minute momentum windows; each query has its own checkpoint."""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.types import ArrayType, MapType, StructType

from . import ddl, sinks, transforms
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


def _kafka_stream(spark: SparkSession, settings: Settings, topics: list[str]) -> DataFrame:
    return (
        spark.readStream.format("kafka")
        .options(**settings.kafka.spark_options())
        .option("subscribe", ",".join(topics))
        .option("startingOffsets", settings.starting_offsets)
        .option("maxOffsetsPerTrigger", str(settings.max_offsets_per_trigger))
        .load()
    )


def _for_postgres(rows: DataFrame) -> DataFrame:
    """Nested fields become JSON text (jsonb columns); everything else keeps its type."""
    columns = [
        F.to_json(F.col(f.name)).alias(f.name) if isinstance(f.dataType, (StructType, ArrayType, MapType)) else F.col(f.name)
        for f in rows.schema.fields
    ]
    return rows.select(*columns)


class PostgresLander:
    """foreachBatch function: validates a batch of all topics and lands it in one transaction."""

    def __init__(self, settings: Settings, contracts: dict[str, Contract], checkpoint: str) -> None:
        self.settings = settings
        self.contracts = contracts
        self.checkpoint = checkpoint
        self.conn = None

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        if self.conn is None or self.conn.closed:
            self.conn = sinks.connect(self.settings.postgres)
        batch = batch.persist()
        try:
            present = {row.topic for row in batch.select("topic").distinct().collect()}
            upserts, dead = [], []
            for logical, topic in self.settings.topics.items():
                if topic not in present:
                    continue
                validated = transforms.validate(batch.where(F.col("topic") == topic), self.contracts[logical]).persist()
                upserts.append(
                    sinks.Upsert(
                        table=self.settings.table(logical),
                        rows=_for_postgres(transforms.accepted(validated)).toArrow(),
                        key=("event_id",),
                        order_by=("kafka_partition", "kafka_offset"),
                    )
                )
                dead.append(transforms.dead_letters(validated).toArrow())
                validated.unpersist()
            dead_rows = sum(d.num_rows for d in dead)
            if dead:
                upserts.append(
                    sinks.Upsert(
                        table=self.settings.table("dead_letter"),
                        rows=pa.concat_tables(dead),
                        key=("topic", "partition", "offset"),
                    )
                )
            sinks.land_batch(self.conn, self.settings.table("landed_batches"), self.checkpoint, batch_id, upserts, dead_rows)
        finally:
            batch.unpersist()


class MomentumLander:
    """foreachBatch function: upserts the windows a batch updated (their counts so far)."""

    def __init__(self, settings: Settings, checkpoint: str) -> None:
        self.settings = settings
        self.checkpoint = checkpoint
        self.conn = None

    def __call__(self, windows: DataFrame, batch_id: int) -> None:
        if self.conn is None or self.conn.closed:
            self.conn = sinks.connect(self.settings.postgres)
        upsert = sinks.Upsert(
            table=self.settings.table("team_momentum_5min"),
            rows=windows.toArrow(),
            key=("match_id", "team_id", "window_start"),
            update=True,
        )
        sinks.land_batch(self.conn, self.settings.table("landed_batches"), self.checkpoint, batch_id, [upsert], 0)


def start(spark: SparkSession, settings: Settings, contracts: dict[str, Contract], available_now: bool) -> list[StreamingQuery]:
    spark.streams.addListener(MetricsListener(settings))
    checkpoints = settings.checkpoint_dir.rstrip("/")

    def trigger(writer):
        return writer.trigger(availableNow=True) if available_now else writer.trigger(processingTime=settings.trigger_interval)

    queries = []
    landing = f"{checkpoints}/postgres"
    queries.append(
        trigger(
            _kafka_stream(spark, settings, list(settings.topics.values()))
            .writeStream.queryName("land-postgres")
            .option("checkpointLocation", landing)
            .foreachBatch(PostgresLander(settings, contracts, landing))
        ).start()
    )
    for logical, topic in settings.topics.items():
        rows = transforms.with_match_date(transforms.accepted(transforms.validate(_kafka_stream(spark, settings, [topic]), contracts[logical])))
        queries.append(
            trigger(
                rows.writeStream.queryName(f"parquet-{logical}")
                .format("parquet")
                .option("path", f"{settings.parquet_root.rstrip('/')}/topic={topic}")
                .option("checkpointLocation", f"{checkpoints}/parquet-{logical}")
                .partitionBy("match_date")
                .outputMode("append")
            ).start()
        )
    events = transforms.accepted(transforms.validate(_kafka_stream(spark, settings, [settings.topics["match_events"]]), contracts["match_events"]))
    momentum = transforms.momentum_windows(transforms.dedupe_within_watermark(events, settings.watermark))
    momentum_checkpoint = f"{checkpoints}/momentum"
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
    migrate(settings, contracts)
    spark = spark_session(settings)
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
            raise StreamingError(f"Query {first.name} failed: {str(first.exception()).strip().splitlines()[0][:300]}")
