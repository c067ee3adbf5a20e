"""The batch layer over the cold store: Bronze -> Silver -> history tables -> Gold.

- **Bronze** is what the landing job writes (streaming/sinks.py): every accepted message once per
  micro-batch, <parquet root>/topic=<topic>/match_date=<date>/part-<query>-<batch>.parquet, and the
  momentum windows' updates under topic=team-momentum-5min. Never rewritten.
- **Silver** (`silver_root`): one row per key per table, the first copy by Kafka offset (the
  momentum windows: their latest update), compacted into one file per table and match date,
  sorted by match and event time so a match or a date is cheap to read (row-group statistics):
  <silver root>/<table>/match_date=<date>/part-*.parquet. A Spark batch job per table.
- **History**: Silver loaded into PostgreSQL's schema `history` (tables shaped like the hot ones);
  the staging models union it with the hot tables (the hot row wins), so a purged match stays in
  every mart and the marts stay the one SQL definition of every figure.
- **Gold** (`gold_root`): the serving marts that aggregate per match, team, player and season,
  exported after `dbt build` for the matches in history: <gold root>/<mart>/part-0.parquet.

A (table, date) is redone only when its Bronze files changed since the last run (a fingerprint
of the file names and sizes, kept in <silver root>/_state/<table>.json), so the job is idempotent
and a killed run resumes: a date's Silver folder is replaced whole, then loaded, then recorded.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from psycopg2 import sql
from tqdm import tqdm

from . import sinks
from .errors import StreamingError
from .settings import ROOT, Settings

log = logging.getLogger(__name__)

HISTORY_SCHEMA = "history"
# The marts exported to Gold: per match (results, team and player match lines), per season.
GOLD_MATCH_MARTS = ("scoreboard", "team_match_stats", "player_performance")
GOLD_SEASON_MARTS = ("league_table", "player_season")


@dataclass(frozen=True)
class Table:
    """A table of the cold store: its Bronze folder, its key, and which copy of a key Silver keeps."""

    name: str  # the hot table in schema streaming, and the history table
    folder: str  # Bronze's topic=<folder>
    key: tuple[str, ...]
    keep: tuple[str, ...]  # the first row per key in this order is kept; "-column": descending
    sort: tuple[str, ...]  # order inside a Silver file
    latest_wins: bool = False  # the history row is overwritten by a newer Silver row (momentum windows)


def tables(settings: Settings) -> list[Table]:
    first_by_offset = ("kafka_partition", "kafka_offset")
    topics = [Table(logical, topic, ("event_id",), first_by_offset, ("match_id", "timestamp", "event_id"))
              for logical, topic in settings.topics.items()]
    momentum = Table("team_momentum_5min", sinks.MOMENTUM_FOLDER, ("match_id", "team_id", "window_start"),
                     ("-landed_at", "-batch_id"), ("match_id", "window_start", "team_id"), latest_wins=True)
    return [*topics, momentum]


# --- Folders and the record of what is done (pure, or pyarrow's file systems) -----------------

def _spark_path(root: str) -> str:
    return root if "://" in root else os.path.abspath(root)


def bronze_dates(root: str, folder: str, first: date | None, last: date | None) -> dict[str, list[tuple[str, int]]]:
    """match_date (as in the folder name) -> its Bronze files (name, size), within [first, last]."""
    fs, base = sinks.filesystem(root)
    info = fs.get_file_info(f"{base}/topic={folder}")
    if info.type != pafs.FileType.Directory:
        return {}
    dates = {}
    for entry in fs.get_file_info(pafs.FileSelector(f"{base}/topic={folder}")):
        if entry.type != pafs.FileType.Directory or not entry.base_name.startswith("match_date="):
            continue
        day = entry.base_name.split("=", 1)[1]
        if not in_range(day, first, last):
            continue
        files = sorted((f.base_name, f.size) for f in fs.get_file_info(pafs.FileSelector(entry.path))
                       if f.type == pafs.FileType.File and f.base_name.endswith(".parquet") and not f.base_name.startswith("."))
        if files:
            dates[day] = files
    return dates


def partition_date(day: str) -> date | None:
    """The date of a match_date=<day> folder; None for the folder of unknown dates."""
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None


def in_range(day: str, first: date | None, last: date | None) -> bool:
    """Whether a partition's date is in [first, last]; the partition of unknown dates only in a run
    without bounds."""
    value = partition_date(day)
    if value is None:
        return first is None and last is None
    return (first is None or value >= first) and (last is None or value <= last)


def fingerprint(files: list[tuple[str, int]]) -> str:
    return json.dumps(files, separators=(",", ":"))


def _read_state(fs: pafs.FileSystem, path: str) -> dict[str, str]:
    if fs.get_file_info(path).type != pafs.FileType.File:
        return {}
    with fs.open_input_stream(path) as stream:
        return json.loads(stream.read())


def _write_state(fs: pafs.FileSystem, path: str, state: dict[str, str]) -> None:
    fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    with fs.open_output_stream(temporary) as stream:
        stream.write(json.dumps(state, indent=0, sort_keys=True).encode())
    fs.move(temporary, path)


# --- Bronze -> Silver (Spark) ------------------------------------------------------------------

def compact(spark, settings: Settings, table: Table, days: list[str], staging: str) -> None:
    """One Spark job: the Bronze files of `days`, one row per key, one file per date, into `staging`."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    base = f"{_spark_path(settings.parquet_root)}/topic={table.folder}"
    bronze = (spark.read.option("basePath", base).option("mergeSchema", "true")
              .parquet(*[f"{base}/match_date={day}" for day in days]))
    if "landed_at" not in bronze.columns:  # Bronze written before rows carried their landing time
        bronze = bronze.withColumn("landed_at", F.lit(None).cast("timestamp"))
    if "kafka_timestamp" in bronze.columns:
        bronze = bronze.withColumn("landed_at", F.coalesce("landed_at", "kafka_timestamp"))
    first = Window.partitionBy(*table.key).orderBy(*[F.col(c[1:]).desc() if c.startswith("-") else F.col(c) for c in table.keep])
    silver = bronze.withColumn("_n", F.row_number().over(first)).where("_n = 1").drop("_n")
    (silver.repartition("match_date").sortWithinPartitions("match_date", *table.sort)
     .write.mode("overwrite").partitionBy("match_date").option("compression", "zstd").parquet(staging))


def _swap(fs: pafs.FileSystem, staging: str, target: str) -> None:
    """The date's new Silver folder replaces the old one."""
    if fs.get_file_info(target).type == pafs.FileType.Directory:
        fs.delete_dir(target)
    fs.create_dir(target.rsplit("/", 1)[0], recursive=True)
    fs.move(staging, target)


def _read_silver(fs: pafs.FileSystem, folder: str) -> pa.Table:
    files = [f.path for f in fs.get_file_info(pafs.FileSelector(folder))
             if f.type == pafs.FileType.File and f.base_name.endswith(".parquet")]
    return pa.concat_tables([pq.read_table(f, filesystem=fs, partitioning=None) for f in sorted(files)], promote_options="default")


# --- Silver -> history tables (PostgreSQL) -----------------------------------------------------

def history_table(settings: Settings, name: str) -> str:
    return f"{HISTORY_SCHEMA}.{settings.table_prefix}{name}"


def create_history_tables(conn, settings: Settings) -> dict[str, set[str]]:
    """history.<table> shaped like streaming.<table> (columns, key, indexes), with the columns a
    newer contract added to the hot table since; returns each table's columns."""
    columns = {}
    with conn, conn.cursor() as cursor:
        for table in tables(settings):
            history = sql.Identifier(HISTORY_SCHEMA, settings.table_prefix + table.name)
            cursor.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (LIKE {} INCLUDING ALL)").format(
                history, sql.Identifier("streaming", settings.table_prefix + table.name)))
            cursor.execute(
                "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                (f"streaming.{settings.table_prefix}{table.name}",))
            hot = cursor.fetchall()
            for column, column_type in hot:
                cursor.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} " + column_type).format(
                    history, sql.Identifier(column)))
            columns[table.name] = {column for column, _ in hot}
    return columns


def load_history(conn, settings: Settings, table: Table, columns: set[str], rows: pa.Table, day: str) -> int:
    """A date's Silver rows into history.<table>, whose columns are `columns` (new keys only;
    momentum windows overwrite)."""
    target = history_table(settings, table.name)
    if "match_date" in columns and "match_date" not in rows.column_names:
        rows = rows.append_column("match_date", pa.array([partition_date(day)] * rows.num_rows, pa.date32()))
    rows = rows.select([c for c in rows.column_names if c in columns])
    with conn, conn.cursor() as cursor:
        return sinks._upsert(cursor, sinks.Upsert(target, rows, table.key, update=table.latest_wins), 0)


# --- Gold --------------------------------------------------------------------------------------

def run_dbt(full_refresh: bool) -> None:
    """`dbt build` of the serving layer (staging unions hot and history), as the Makefile runs it."""
    from dbt_project.transform_loop import dbt_command

    env = {**os.environ, "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(ROOT / "dbt_project"))}
    command = dbt_command("build", "--quiet", *(["--full-refresh"] if full_refresh else []))
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise StreamingError("dbt build failed after loading the history: " + " | ".join(tail))


def export_gold(conn, settings: Settings) -> dict[str, int]:
    """The Gold marts of the matches in history, as Parquet; returns rows per mart."""
    fs, base = sinks.filesystem(settings.gold_root)
    history_matches = sql.SQL("SELECT DISTINCT match_id FROM {}").format(
        sql.Identifier(HISTORY_SCHEMA, settings.table_prefix + "live_matches"))
    written = {}
    for mart in (*GOLD_MATCH_MARTS, *GOLD_SEASON_MARTS):
        relation = sql.Identifier("marts", settings.table_prefix + mart)
        query = sql.SQL("SELECT * FROM {}").format(relation)
        if mart in GOLD_MATCH_MARTS:
            query = sql.SQL("{} WHERE match_id IN ({})").format(query, history_matches)
        with conn, conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", (f"marts.{settings.table_prefix}{mart}",))
            if cursor.fetchone()[0] is None:
                raise StreamingError(f"marts.{settings.table_prefix}{mart} does not exist after dbt build: run `make transform`.")
            cursor.execute(query)
            names = [d.name for d in cursor.description]
            rows = cursor.fetchall()
        arrow = pa.table({name: [row[i] for row in rows] for i, name in enumerate(names)})
        folder = f"{base}/{mart}"
        fs.create_dir(folder, recursive=True)
        temporary = f"{folder}/.part-0.parquet.tmp"
        pq.write_table(arrow, temporary, filesystem=fs, compression="zstd")
        fs.move(temporary, f"{folder}/part-0.parquet")
        written[mart] = arrow.num_rows
    return written


def gold_complete(settings: Settings) -> bool:
    fs, base = sinks.filesystem(settings.gold_root)
    return all(fs.get_file_info(f"{base}/{mart}/part-0.parquet").type == pafs.FileType.File
               for mart in (*GOLD_MATCH_MARTS, *GOLD_SEASON_MARTS))


# --- The job -----------------------------------------------------------------------------------

@dataclass
class BatchResult:
    dates: int = 0  # (table, date) partitions redone
    skipped: int = 0  # unchanged since the last run
    silver_rows: int = 0
    history_rows: int = 0  # new rows in the history tables
    gold: dict[str, int] | None = None


def run(settings: Settings, first: date | None = None, last: date | None = None, *, dbt: bool = True,
        full_refresh: bool = False, show_progress: bool | None = None) -> BatchResult:
    from . import job

    job.migrate(settings, job.load_contracts(settings))
    conn = sinks.connect(settings.postgres)
    result = BatchResult()
    try:
        history_columns = create_history_tables(conn, settings)
        silver_fs, silver_base = sinks.filesystem(settings.silver_root)
        if silver_fs.get_file_info(f"{silver_base}/_staging").type == pafs.FileType.Directory:
            silver_fs.delete_dir(f"{silver_base}/_staging")  # what a killed run left half-written
        work = []
        for table in tables(settings):
            state_path = f"{silver_base}/_state/{table.name}.json"
            state = _read_state(silver_fs, state_path)
            dates = bronze_dates(settings.parquet_root, table.folder, first, last)
            todo = {day: fingerprint(files) for day, files in dates.items() if state.get(day) != fingerprint(files)}
            result.skipped += len(dates) - len(todo)
            if todo:
                work.append((table, state_path, state, todo))
        if work:
            spark = job.spark_session(settings, app_name="matchday-batch")
            spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            if show_progress is None:
                show_progress = sys.stderr.isatty()
            with tqdm(total=sum(len(todo) for *_, todo in work), unit="date", desc="batch layer, Bronze -> Silver -> history",
                      disable=not show_progress) as bar:
                for table, state_path, state, todo in work:
                    staging = f"{silver_base}/_staging/{table.name}-{uuid.uuid4().hex[:8]}"
                    bar.set_postfix_str(table.name)
                    compact(spark, settings, table, sorted(todo), _spark_path(settings.silver_root) + staging[len(silver_base):])
                    for day in sorted(todo):
                        target = f"{silver_base}/{table.name}/match_date={day}"
                        _swap(silver_fs, f"{staging}/match_date={day}", target)
                        rows = _read_silver(silver_fs, target)
                        result.silver_rows += rows.num_rows
                        result.history_rows += load_history(conn, settings, table, history_columns[table.name], rows, day)
                        state[day] = todo[day]
                        _write_state(silver_fs, state_path, state)
                        result.dates += 1
                        bar.update(1)
                    silver_fs.delete_dir(staging)
        # Nothing new in history and Gold complete: the marts of history are what Gold holds already.
        if dbt and (result.dates or full_refresh or not gold_complete(settings)):
            run_dbt(full_refresh)
            result.gold = export_gold(conn, settings)
    finally:
        conn.close()
    return result
