"""The landing job's settings, read from environment variables documented in `.env.example`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from ingest import vocabulary
from ingest.errors import ConfigError
from ingest.settings import KafkaSettings, PostgresSettings, topic_names

from .errors import StreamingError

ROOT = Path(__file__).resolve().parent.parent

# Logical topic name (= table in schema streaming) -> (env var of the Kafka topic, default topic).
TOPICS = {vocabulary.table_of(topic): (vocabulary.topic_setting(topic), topic) for topic in vocabulary.CONTRACTS}

# The tables the live marts need within seconds of a message: the scoreboard's (a view over the landed
# snapshots of live_matches) and the events'. Their queries start a micro-batch every STREAMING_TRIGGER_INTERVAL; the
# other queries (player and team stats, the producers' dead letters), which only the
# loop's cycles read, every STREAMING_SLOW_TRIGGER_INTERVAL, so on two cores their batches do not hold up these.
FAST_TABLES = ("live_matches", "match_events")

# In-process Spark with a task slot per core, but at least four. Each landing batch runs a task per
# Kafka partition; on two cores, with a slot per core, one query's tasks waited for another's, and four
# slots landed the events sooner (README, Task slots).
DEFAULT_MASTER = f"local[{max(4, os.cpu_count() or 1)}]"

_INTERVAL = re.compile(r"^\d+ (second|minute|hour|day)s?$")


@dataclass(frozen=True)
class Settings:
    kafka: KafkaSettings
    postgres: PostgresSettings
    topics: dict[str, str]
    dead_letters_topic: str  # where the producers put the messages they rejected
    contracts_dir: Path
    checkpoint_dir: str
    parquet_root: str
    starting_offsets: str
    max_offsets_per_trigger: int
    trigger_interval: str
    slow_trigger_interval: str
    hot_retention_days: int
    table_prefix: str
    spark_master: str
    spark_jars_dir: Path
    spark_driver_memory: str
    # Hadoop's S3A file system (hadoop-aws and the AWS SDK bundle), added when checkpoints are on s3a://.
    spark_s3a_jars_dir: Path = ROOT / ".stack" / "jars" / "spark-s3a"
    # The driver JVM's class archive (streaming/class_archive.py); None: the JVM starts without one.
    spark_class_archive: Path | None = None
    max_message_bytes: int = 65536  # a longer Kafka message is a dead letter, unparsed
    # Any Spark setting, from a spark-defaults.conf-style file (SPARK_CONF_FILE); applied last.
    spark_conf: tuple[tuple[str, str], ...] = ()
    # Prefix of the Kafka consumer group ids the Kafka source generates (Confluent Cloud ACLs are by prefix).
    kafka_group_id_prefix: str = ""
    postgres_retry_seconds: int = 120  # how long a batch write waits out an unreachable PostgreSQL
    # The batch layer's Silver and Gold (streaming/batch_layer.py); default: beside the cold store.
    silver_root: str = str(ROOT / ".stack" / "silver")
    gold_root: str = str(ROOT / ".stack" / "gold")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        def integer(name: str, default: int, minimum: int) -> int:
            value = get(name, str(default))
            if not value.isdigit() or int(value) < minimum:
                raise StreamingError(f"{name} must be a whole number of at least {minimum}, not {value!r}: set it in .env.")
            return int(value)

        def interval(name: str, default: str) -> str:
            value = get(name, default)
            if not _INTERVAL.match(value):
                raise StreamingError(f"{name} must look like '10 minutes' or '5 seconds', not {value!r}: set it in .env.")
            return value

        starting = get("STREAMING_STARTING_OFFSETS", "earliest")
        if starting not in ("earliest", "latest"):
            raise StreamingError(f"STREAMING_STARTING_OFFSETS must be 'earliest' or 'latest', not {starting!r}: set it in .env.")
        topics = topic_names(env)
        prefix = get("STREAMING_TABLE_PREFIX", "")
        if prefix and not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", prefix):
            raise StreamingError(f"STREAMING_TABLE_PREFIX must be lower-case letters, digits and _, not {prefix!r}: set it in .env.")
        try:
            kafka, postgres = KafkaSettings.from_env(env), PostgresSettings.from_env(env)
        except ConfigError as error:
            raise StreamingError(str(error)) from None
        return cls(
            kafka=kafka,
            postgres=postgres,
            topics={logical: topics[logical] for logical in TOPICS},
            dead_letters_topic=topics[vocabulary.table_of(vocabulary.DEAD_LETTERS)],
            contracts_dir=Path(get("CONTRACTS_DIR", str(ROOT / "ingest" / "contracts"))),
            checkpoint_dir=get("STREAMING_CHECKPOINT_DIR", str(ROOT / ".stack" / "checkpoints")),
            parquet_root=(parquet_root := get("STREAMING_PARQUET_ROOT", str(ROOT / ".stack" / "parquet"))),
            silver_root=get("STREAMING_SILVER_ROOT", beside(parquet_root, "silver")),
            gold_root=get("STREAMING_GOLD_ROOT", beside(parquet_root, "gold")),
            starting_offsets=starting,
            max_offsets_per_trigger=integer("STREAMING_MAX_OFFSETS_PER_TRIGGER", 50000, 1),
            trigger_interval=interval("STREAMING_TRIGGER_INTERVAL", "1 second"),
            slow_trigger_interval=interval("STREAMING_SLOW_TRIGGER_INTERVAL", "10 seconds"),
            hot_retention_days=integer("STREAMING_HOT_RETENTION_DAYS", 7, 0),
            table_prefix=prefix,
            spark_master=get("SPARK_MASTER", DEFAULT_MASTER),
            spark_jars_dir=Path(get("SPARK_JARS_DIR", str(ROOT / ".stack" / "jars" / "spark"))),
            spark_driver_memory=get("SPARK_DRIVER_MEMORY", "1g"),
            spark_s3a_jars_dir=Path(get("SPARK_S3A_JARS_DIR", str(ROOT / ".stack" / "jars" / "spark-s3a"))),
            spark_class_archive=class_archive_path(get("SPARK_CLASS_ARCHIVE", str(DEFAULT_CLASS_ARCHIVE))),
            max_message_bytes=integer("STREAMING_MAX_MESSAGE_BYTES", 65536, 1024),
            postgres_retry_seconds=integer("STREAMING_POSTGRES_RETRY_SECONDS", 120, 0),
            spark_conf=spark_conf_file(get("SPARK_CONF_FILE", "")),
            kafka_group_id_prefix=group_id_prefix(get("STREAMING_KAFKA_GROUP_ID_PREFIX", "")),
        )

    def with_overrides(self, **changes: object) -> "Settings":
        """An explicit argument (e.g. `--master`) wins over the environment."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def trigger_interval_of(self, table: str) -> str:
        """How often the query landing `table` (a topic's, dead_letter) starts a micro-batch."""
        return self.trigger_interval if table in FAST_TABLES else self.slow_trigger_interval

    def table(self, name: str) -> str:
        """Qualified name of a table in schema `streaming`, with the optional prefix."""
        return f"streaming.{self.table_prefix}{name}"


DEFAULT_CLASS_ARCHIVE = ROOT / ".stack" / "spark" / "driver-classes.jsa"


def class_archive_path(value: str) -> Path | None:
    """SPARK_CLASS_ARCHIVE: the archive's path, or `off` for none."""
    return None if value.strip().lower() == "off" else Path(value)


def beside(root: str, name: str) -> str:
    """A folder next to `root` (a path or a URI): .stack/parquet -> .stack/silver."""
    parent = root.rstrip("/").rsplit("/", 1)[0] if "/" in root.rstrip("/") else "."
    return f"{parent}/{name}"


def spark_conf_file(path: str) -> tuple[tuple[str, str], ...]:
    """The settings of a spark-defaults.conf-style file: `key value` (or `key=value`) per line,
    `#` comments; empty path: none."""
    if not path:
        return ()
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise StreamingError(f"SPARK_CONF_FILE names {path}, which cannot be read ({error.strerror}): set it in .env.") from None
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"(spark\.[^\s=]+)(?:\s*=\s*|\s+)(.+)", line)
        if not match:
            raise StreamingError(f"SPARK_CONF_FILE {path}, line {number}: expected `spark.<key> <value>`, "
                                 f"not {line!r}: fix the file or set SPARK_CONF_FILE in .env.")
        pairs.append((match.group(1), match.group(2).strip()))
    return tuple(pairs)


def group_id_prefix(value: str) -> str:
    if value and not re.fullmatch(r"[A-Za-z0-9._-]+", value):
        raise StreamingError(f"STREAMING_KAFKA_GROUP_ID_PREFIX must be letters, digits, '.', '_' or '-', not {value!r}: "
                             "set it in .env.")
    return value
