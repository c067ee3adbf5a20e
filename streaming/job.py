"""Wires the Kafka topics to the sinks (streaming/sinks.py) through the transforms
(streaming/transforms.py): a query per topic validates its messages once and lands them in
PostgreSQL and Parquet (the events' batches count the 5-minute momentum windows too, in
PostgreSQL: streaming/momentum.py), one lands the producers' dead letters; each query has its
own checkpoint."""

from __future__ import annotations

import logging
import re
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import StreamingQuery

from . import brokers, checkpoints, class_archive, ddl, sinks, transforms
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
    if settings.checkpoint_dir.startswith("s3a://"):
        s3a = sorted(settings.spark_s3a_jars_dir.glob("*.jar"))
        if not any(j.name.startswith("hadoop-aws-") for j in s3a):
            raise StreamingError(
                f"STREAMING_CHECKPOINT_DIR is on s3a://, but hadoop-aws is not in {settings.spark_s3a_jars_dir}: run "
                "`make spark-s3a-jars` (about 690 MB, mostly the AWS SDK) or set SPARK_S3A_JARS_DIR."
            )
        jars += s3a
    return jars


# A backfill's driver JVM compiles with C1 only: in a job of a minute or two, C2's compilations
# cost the two cores more than its faster code saves (the 126-match backfill, alternated: 39.2
# and 40.0 s against 48.1 and 43.0 s; three times its messages: 88.7 against 93.1 s). A continuous
# job keeps both compilers. SPARK_CONF_FILE's spark.driver.extraJavaOptions, if set, replaces it.
BACKFILL_DRIVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1"
DRIVER_JAVA_OPTIONS = "spark.driver.extraJavaOptions"


def driver_java_options(settings: Settings, backfill: bool) -> str | None:
    """The driver JVM's extra options: SPARK_CONF_FILE's, else ours: a backfill's C1 and the class
    archive, when it is usable (streaming/class_archive.py)."""
    if own := dict(settings.spark_conf).get(DRIVER_JAVA_OPTIONS):
        return own
    ours = [BACKFILL_DRIVER_JAVA_OPTIONS] if backfill else []
    if archive := class_archive.java_option(settings):
        ours.append(archive)
    return " ".join(ours) or None


def spark_session(settings: Settings, app_name: str = "matchday-streaming", *, backfill: bool = False,
                  java_options: str = "") -> SparkSession:
    """A Spark session for the job (`java_options`: more options for its driver JVM, after the others)."""
    jars = spark_jars(settings)
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.jars", ",".join(str(j) for j in jars))
        .config("spark.sql.session.timeZone", "UTC")
        # Two cores and small data: a few shuffle partitions keep the batch layer's dedupes and `streaming sql` cheap.
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", settings.spark_driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.streaming.stopGracefullyOnShutdown", "true")
    )
    for key, value in settings.spark_conf:  # SPARK_CONF_FILE: any setting, over ours
        builder = builder.config(key, value)
    if options := " ".join(filter(None, [driver_java_options(settings, backfill), java_options])):
        builder = builder.config(DRIVER_JAVA_OPTIONS, options)
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


# How long the broker may hold a fetch that finds no new message (the Java client's fetch.max.wait.ms,
# 500 ms by default). A consumer sends its next fetch as it returns records, so at the next micro-batch
# that fetch was often still parked at the broker: a batch of the quiet topics (live-matches, the
# stats) spent about 0.6 s reading a few messages, mostly waiting for it (README, Quiet topics read at once).
FETCH_MAX_WAIT_MS = 20


def source_options(settings: Settings, topics: list[str], headers: bool = False) -> dict[str, str]:
    """The options of a landing query's Kafka source."""
    return {
        **brokers.spark_options(settings.kafka),
        "kafka.fetch.max.wait.ms": str(FETCH_MAX_WAIT_MS),
        "subscribe": ",".join(topics),
        "startingOffsets": settings.starting_offsets,
        "maxOffsetsPerTrigger": str(settings.max_offsets_per_trigger),
        "includeHeaders": str(headers).lower(),
        **({"groupIdPrefix": settings.kafka_group_id_prefix} if settings.kafka_group_id_prefix else {}),
    }


def _kafka_stream(spark: SparkSession, settings: Settings, topics: list[str], headers: bool = False) -> DataFrame:
    return spark.readStream.format("kafka").options(**source_options(settings, topics, headers)).load()


def query_checkpoints(settings: Settings) -> dict[str, str]:
    """Query name -> its checkpoint folder (also its key in `landed_batches`)."""
    root = settings.checkpoint_dir.rstrip("/")
    names = [f"land-{logical}" for logical in settings.topics] + ["land-dead_letters"]
    return {name: f"{root}/{name}" for name in names}


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


# The columns of Spark's Kafka source (the ones a lander reads), in its types.
KAFKA_SOURCE_SCHEMA = "key binary, value binary, topic string, partition int, offset long, timestamp timestamp"


def warm_up(spark: SparkSession) -> pa.Table:
    """Collects one message, not a football one (`{}`), through a lander's projection as Arrow, before
    the queries start. A fresh JVM's first job (task launch, code generation, Arrow's writer) cost the
    first micro-batch of events 0.6-0.8 s more, so a matchday's kick-off landed late (README, Warm start).
    A continuous job only: in a backfill (--available-now) it cost more than it saved."""
    started = time.perf_counter()
    message = (None, b"{}", "warm-up", 0, 0, datetime(2026, 1, 1, tzinfo=timezone.utc))
    rows = transforms.for_lander(spark.createDataFrame([message], KAFKA_SOURCE_SCHEMA)).toArrow()
    log.info("warmed up Spark's collect path in %.1f s", time.perf_counter() - started)
    return rows


def start(spark: SparkSession, settings: Settings, contracts: dict[str, Contract], available_now: bool) -> list[StreamingQuery]:
    spark.streams.addListener(MetricsListener(settings))
    paths = query_checkpoints(settings)

    def trigger(writer, table: str):
        if available_now:
            return writer.trigger(availableNow=True)
        return writer.trigger(processingTime=settings.trigger_interval_of(table))

    queries = []
    # One landing query per topic. Its plan holds no JSON work: the lander tests the messages in Python
    # (streaming.screening) and checks in full, in Spark, only the few that do not pass.
    for logical, topic in settings.topics.items():
        checkpoint = paths[f"land-{logical}"]
        messages = transforms.for_lander(_kafka_stream(spark, settings, [topic]))
        queries.append(
            trigger(
                messages.writeStream.queryName(f"land-{logical}")
                .option("checkpointLocation", checkpoint)
                .foreachBatch(sinks.TopicLander(settings, checkpoint, logical, contracts[logical])),
                logical,
            ).start()
        )
    checkpoint = paths["land-dead_letters"]
    queries.append(
        trigger(
            transforms.producer_dead_letters(_kafka_stream(spark, settings, [settings.dead_letters_topic], headers=True))
            .writeStream.queryName("land-dead_letters")
            .option("checkpointLocation", checkpoint)
            .foreachBatch(sinks.DeadLetterLander(settings, checkpoint)),
            "dead_letter",
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
    spark = spark_session(settings, backfill=available_now)
    repair_checkpoints(spark, settings)
    if not available_now:  # a backfill has no kick-off to land early: its first batch pays the JVM's first job, once
        warm_up(spark)
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
        failed = [(q.name, str(q.exception())) for q in queries if q.exception() is not None]
        for query in queries:
            if query.isActive:
                query.stop()
        end_jvm(spark)
        if failed:
            name, exception = failed[0]
            raise StreamingError(brokers.refusal_in_java(settings.kafka.bootstrap_servers, exception)
                                 or f"Query {name} failed: {failure_reason(exception)}")


def end_jvm(spark: SparkSession, timeout: float = 60) -> bool:
    """End the driver's JVM that pyspark started, and wait for it; whether it is gone. It ends when
    its stdin closes, which Python's exit left for about 1.8 s more: a backfill's command returned
    with its JVM still running. Closing it here, the JVM is gone 0.4 s later. Under spark-submit the
    JVM started Python (no process of ours): nothing to do."""
    process = getattr(spark.sparkContext._gateway, "proc", None)
    if process is None:
        return True
    process.stdin.close()
    try:
        process.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        log.warning("Spark's JVM (pid %s) did not end within %.0f s of its stdin closing", process.pid, timeout)
        return False


def failure_reason(exception_text: str) -> str:
    """The sentence to show for a failed query: our own error's message when a landing batch raised
    one (Spark wraps it in a Python traceback), else the first line of Spark's exception."""
    ours = re.findall(r"StreamingError: (.+)", exception_text)
    return ours[-1].strip() if ours else exception_text.strip().splitlines()[0][:300]
