"""Idempotent writes: PostgreSQL in bulk (COPY, in PostgreSQL's binary format where it can, into a
temporary table, then INSERT ... ON CONFLICT, part by part while the lander tests the next part:
Staging) and Parquet files named after the batch, so a batch written again replaces its own files.

A micro-batch lands in one transaction together with its row in `landed_batches`, so a batch
that Spark replays after a crash is recognised and skipped, and rows never land twice. Its
Parquet files are written under hidden names while PostgreSQL lands it, and appear (renamed)
only after that commit, so the cold store never shows a batch PostgreSQL lacks; all before
Spark's checkpoint commit: a replayed batch that PostgreSQL has writes its files again, over
themselves. The queries' foreachBatch functions are sinks on one small base
(`Sink.write(batch)`), which does the retries, the skipping and the timing once.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import threading
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from psycopg2 import sql
from pyspark.sql import DataFrame

from ingest.errors import PostgresUnreachableError

from . import batches, momentum, pgcopy, retry, screening, transforms
from .errors import PostgresUnavailableError, StreamingError
from .schemas import Contract
from .settings import PostgresSettings, Settings

log = logging.getLogger(__name__)

# The cold store's folder (topic=...) of the momentum windows' updates, which come from no topic of their own.
MOMENTUM_FOLDER = "team-momentum-5min"


@dataclass(frozen=True)
class Upsert:
    """Rows for one table: insert new keys only, or overwrite the measures of existing keys."""

    table: str  # schema-qualified
    rows: pa.Table
    key: tuple[str, ...]
    update: bool = False  # False: ON CONFLICT DO NOTHING (first copy of a message wins)
    order_by: tuple[str, ...] = ()  # which duplicate of a key inside the batch wins
    # A statement run in the same transaction on the rows this upsert inserted (their `then_reads`
    # columns, as the CTE "landed"), e.g. streaming/momentum.py's counts.
    then: sql.Composable | None = None
    then_reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColdFiles:
    """Parquet files written under hidden names (which readers of the cold store skip), and the names
    `publish` gives them."""

    fs: pafs.FileSystem | None = None
    moves: tuple[tuple[str, str], ...] = ()  # (hidden, final)

    def publish(self) -> int:
        for hidden, final in self.moves:
            self.fs.move(hidden, final)
        return len(self.moves)

    def discard(self) -> None:
        for hidden, _ in self.moves:
            try:
                self.fs.delete_file(hidden)
            except OSError:  # gone already: nothing to discard
                pass


@dataclass(frozen=True)
class Landing:
    """What a batch lands: rows per table in PostgreSQL, stamped `landed`, and its cold copy (Parquet):
    `cold_files` writes the files it can before PostgreSQL has the batch, hidden, and `cold` what needs
    PostgreSQL's result (the momentum windows); `keep_cold` shows the one and writes the other once
    PostgreSQL has the batch, so the rows are visible without waiting for the files."""

    upserts: list[Upsert]
    landed: datetime
    cold: Callable[[], object] | None = None
    cold_files: Callable[[], ColdFiles] | None = None

    def stage_cold(self) -> ColdFiles:
        return self.cold_files() if self.cold_files is not None else ColdFiles()

    def keep_cold(self, staged: ColdFiles | None = None) -> None:
        """Publishes `staged` (this landing's `stage_cold`, written again when None), then writes `cold`."""
        (staged if staged is not None else self.stage_cold()).publish()
        if self.cold is not None:
            self.cold()


def connect(settings: PostgresSettings):
    try:
        return settings.connect()
    except PostgresUnreachableError as error:
        raise PostgresUnavailableError(str(error)) from None


def _csv(rows: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    buffer.seek(0)
    return buffer


def _qualified(table: str) -> sql.Composable:
    schema, name = table.split(".")
    return sql.Identifier(schema, name)


def _column_types(cursor, table: str) -> dict[str, int]:
    """The type OIDs of a table's columns, by name."""
    cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                   (table,))
    return dict(cursor.fetchall())


@dataclass(frozen=True)
class CopyData:
    """Rows as the data of a COPY: PostgreSQL's binary format where each column's values have its
    column's type (streaming.pgcopy), CSV otherwise."""

    columns: list[str]
    options: str
    data: io.BytesIO

    @classmethod
    def of(cls, rows: pa.Table, types: dict[str, int]) -> CopyData:
        oids = [types.get(column) for column in rows.column_names]
        if None not in oids and pgcopy.encodable(rows.schema, oids):
            return cls(rows.column_names, "FORMAT binary", pgcopy.binary_copy(rows, oids))
        return cls(rows.column_names, "FORMAT csv, HEADER true", _csv(rows))


def _copy(cursor, temp: sql.Composable, data: CopyData) -> None:
    cols = sql.SQL(", ").join(map(sql.Identifier, data.columns))
    # In one read: psycopg2 takes the GIL for each read of the file (8 kB by default), and a Staging's
    # thread waited for it behind the lander's tests.
    cursor.copy_expert(sql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(temp, cols, sql.SQL(data.options)).as_string(cursor),
                       data.data, size=max(data.data.getbuffer().nbytes, 8192))


def _create_temp(cursor, table: str, columns: list[str]) -> sql.Composable:
    """A temporary table for a batch's rows of `table`: the same column types, none of its constraints
    (those apply on the INSERT); dropped when the transaction ends."""
    temp = sql.Identifier(f"incoming_{table.split('.')[-1]}")
    cursor.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
        temp, sql.SQL(", ").join(map(sql.Identifier, columns)), _qualified(table)))
    return temp


def _upsert(cursor, upsert: Upsert, batch_id: int) -> int:
    """Lands an upsert's rows: COPY into a temporary table, then one INSERT ... ON CONFLICT; the rows inserted."""
    if upsert.rows.num_rows == 0:
        return 0
    columns = [c for c in upsert.rows.column_names if c != "batch_id"]
    temp = _create_temp(cursor, upsert.table, columns)
    _copy(cursor, temp, CopyData.of(upsert.rows.select(columns), _column_types(cursor, upsert.table)))
    return _insert(cursor, upsert, columns, temp, batch_id, batches.unique(upsert.rows, upsert.key))


def _insert(cursor, upsert: Upsert, columns: list[str], temp: sql.Composable, batch_id: int, unique: bool) -> int:
    """INSERT ... ON CONFLICT of the rows in `temp` into the upsert's table, and its follow-up; the rows
    inserted. `unique`: no key repeats among them."""
    target = _qualified(upsert.table)
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    key = sql.SQL(", ").join(map(sql.Identifier, upsert.key))
    order = sql.SQL(", ").join(map(sql.Identifier, (*upsert.key, *upsert.order_by)))
    if upsert.update:
        measures = [c for c in columns if c not in (*upsert.key, "landed_at")]
        landed = sql.SQL("EXCLUDED.landed_at" if "landed_at" in columns else "now()")
        action = sql.SQL("DO UPDATE SET {}, landed_at = {}, batch_id = EXCLUDED.batch_id").format(
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in measures), landed
        )
    else:
        action = sql.SQL("DO NOTHING")
    # A batch's repeats of a key: the first (by `order`) wins. Without repeats (nearly every batch) the rows
    # go in as they are: sorting a batch of events (tens of MB with their raw JSON) took half the INSERT.
    if unique:
        select = sql.SQL("SELECT {cols}, %(batch_id)s FROM {temp}").format(cols=cols, temp=temp)
    else:
        select = sql.SQL("SELECT DISTINCT ON ({key}) {cols}, %(batch_id)s FROM {temp} ORDER BY {order}").format(
            key=key, cols=cols, temp=temp, order=order)
    insert = sql.SQL("INSERT INTO {target} ({cols}, batch_id) {select} ON CONFLICT ({key}) {action}").format(
        target=target, cols=cols, select=select, key=key, action=action)
    if upsert.then is None:
        cursor.execute(insert, {"batch_id": batch_id})
        return cursor.rowcount
    # The follow-up reads exactly the rows inserted now (not a repeat the table had), in one statement.
    cursor.execute(
        sql.SQL("WITH landed AS ({insert} RETURNING {reads}), followed AS ({then}) SELECT count(*) FROM landed").format(
            insert=insert, reads=sql.SQL(", ").join(map(sql.Identifier, upsert.then_reads)), then=upsert.then),
        {"batch_id": batch_id},
    )
    return cursor.fetchone()[0]


class Staging:
    """Lands a batch's rows of one table part by part, in a thread, while the lander tests the batch's
    next part: PostgreSQL parses, checks and stores a part (COPY into a temporary table, then the
    upsert's INSERT ... ON CONFLICT DO NOTHING and its follow-up) while Python tests messages. All in
    the transaction that then lands the rest of the batch and its id (`land_batch` with `staged`).

    The parts' INSERTs add up to the whole batch's when no key repeats in the batch: no copy of a key
    then has to win over another. `land_batch` checks that, and otherwise rolls them back and lands
    the batch whole, as the sink does after any error here (kept, and raised by `finish`)."""

    def __init__(self, conn, upsert: Upsert, batch_id: int) -> None:
        if upsert.update:
            raise StreamingError(f"Rows of {upsert.table} that update their keys cannot be landed part by part: a bug in the lander.")
        self.conn = conn
        self.upsert = upsert  # the table, key and follow-up of the rows `put` brings
        self.batch_id = batch_id
        self.rows = 0  # put so far
        self.inserted = 0
        self.error: BaseException | None = None
        self._parts: queue.SimpleQueue = queue.SimpleQueue()
        with conn.cursor() as cursor:  # opens the transaction the parts land in
            self._types = _column_types(cursor, upsert.table)
        self._thread = threading.Thread(target=self._land_parts, name=f"staging {upsert.table}", daemon=True)
        self._thread.start()

    def put(self, rows: pa.Table) -> None:
        """Queues a part's rows, encoded for COPY here: in the thread that tests messages, which waits
        for PostgreSQL anyway, rather than in the thread that feeds PostgreSQL."""
        if rows.num_rows:
            self.rows += rows.num_rows
            self._parts.put(CopyData.of(rows.select([c for c in rows.column_names if c != "batch_id"]), self._types))

    def _land_parts(self) -> None:
        cursor, temp = None, None
        while (part := self._parts.get()) is not None:
            if self.error is not None:
                continue  # drained: the batch lands whole on another attempt
            try:
                if cursor is None:
                    cursor = self.conn.cursor()
                    temp = _create_temp(cursor, self.upsert.table, part.columns)
                else:
                    cursor.execute(sql.SQL("TRUNCATE {}").format(temp))
                _copy(cursor, temp, part)
                # A key twice in the part is one twice in the batch: land_batch rolls the parts back (holds).
                self.inserted += _insert(cursor, self.upsert, part.columns, temp, self.batch_id, unique=True)
            except BaseException as error:  # noqa: BLE001 - kept for `finish`, in the sink's thread
                self.error = error
        if cursor is not None and not cursor.closed:
            cursor.close()

    def _join(self) -> None:
        self._parts.put(None)
        self._thread.join()

    def finish(self) -> None:
        """Waits for the last part; raises what a part's statements raised."""
        self._join()
        if self.error is not None:
            raise self.error

    def holds(self, upsert: Upsert) -> bool:
        """Whether the parts landed are `upsert` landed whole: all its rows, no key twice."""
        return (upsert.table == self.upsert.table and upsert.rows.num_rows == self.rows
                and batches.unique(upsert.rows, upsert.key))

    def abandon(self) -> None:
        """Stops landing parts and rolls the transaction back (on a connection that may be gone)."""
        self._join()
        try:
            self.conn.rollback()
        except Exception:  # noqa: BLE001 - a broken connection rolls back by itself
            pass


def filesystem(root: str) -> tuple[pafs.FileSystem, str]:
    """pyarrow's filesystem and path for a local folder or an object-store URI (s3a:// as s3://)."""
    if "://" not in root:
        return pafs.LocalFileSystem(), os.path.abspath(root)
    if root.startswith("s3a://"):
        root = "s3://" + root[len("s3a://"):]
    try:
        return pafs.FileSystem.from_uri(root)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise StreamingError(f"Cannot write Parquet to {root} ({error}): set STREAMING_PARQUET_ROOT to a folder or an s3:// URI.") from None


def write_parquet(rows: pa.Table, root: str, topic: str, name: str) -> int:
    """Write a batch's rows of one topic as <root>/topic=<topic>/match_date=<date>/part-<name>.parquet,
    one file per match date; returns the files written. A file appears whole (written under a
    hidden name, then renamed), and writing the same batch again replaces it instead of adding
    a copy."""
    return hidden_parquet(rows, root, topic, name).publish()


def hidden_parquet(rows: pa.Table, root: str, topic: str, name: str) -> ColdFiles:
    """write_parquet's files, written under their hidden names only: shown by `publish`."""
    fs, base = filesystem(root)
    moves = []
    for match_date in pc.unique(rows["match_date"]).to_pylist():
        day = rows.filter(pc.is_null(rows["match_date"]) if match_date is None else pc.equal(rows["match_date"], match_date))
        folder = f"{base}/topic={topic}/match_date={match_date if match_date is not None else '__HIVE_DEFAULT_PARTITION__'}"
        fs.create_dir(folder, recursive=True)
        temporary, final = f"{folder}/.part-{name}.parquet.tmp", f"{folder}/part-{name}.parquet"
        pq.write_table(day.drop_columns(["match_date"]), temporary, filesystem=fs, compression="zstd")
        moves.append((temporary, final))
    return ColdFiles(fs, tuple(moves))


def stamped(rows: pa.Table, landed_at: datetime) -> pa.Table:
    """The rows with their batch's `landed_at`: the hot row and its cold copy carry the same time,
    so marts rebuilt from the cold store (streaming/batch_layer.py) equal the ones built hot."""
    column = pa.array([landed_at] * rows.num_rows, pa.timestamp("us", tz="UTC"))
    if "landed_at" in rows.column_names:
        return rows.set_column(rows.column_names.index("landed_at"), "landed_at", column)
    return rows.append_column("landed_at", column)


def landed_at(conn, batches_table: str, checkpoint: str, batch_id: int) -> datetime | None:
    """When a batch of this checkpoint landed in PostgreSQL (the time its rows carry), or None."""
    with conn, conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT landed_at FROM {} WHERE checkpoint = %s AND batch_id = %s").format(_qualified(batches_table)),
            (checkpoint, batch_id),
        )
        row = cursor.fetchone()
        return None if row is None else row[0]


def landed_batch_ids(conn, batches_table: str, checkpoint: str) -> set[int]:
    """The batch ids of a checkpoint's query that PostgreSQL holds."""
    with conn, conn.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT batch_id FROM {} WHERE checkpoint = %s").format(_qualified(batches_table)), (checkpoint,))
        return {row[0] for row in cursor.fetchall()}


def land_batch(
    conn, batches_table: str, checkpoint: str, batch_id: int, upserts: list[Upsert], dead_letters: int, drifted: int = 0,
    landed: datetime | None = None, staged: Staging | None = None,
) -> bool:
    """Write a micro-batch's upserts in one transaction; False when this batch had landed already.
    `landed`: the time its rows carry (default: the transaction's). `staged`: one upsert's rows, landed
    already part by part in this connection's transaction (Staging); when they are not the upsert
    landed whole (a key repeats), they are rolled back and the upsert lands whole."""
    with conn:  # commits, or rolls back on any error
        if staged is not None:
            staged.finish()
            held = next((u for u in upserts if u.table == staged.upsert.table), None)
            if held is None or not staged.holds(held):
                conn.rollback()
                staged = None
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("SELECT 1 FROM {} WHERE checkpoint = %s AND batch_id = %s").format(_qualified(batches_table)),
                (checkpoint, batch_id),
            )
            if cursor.fetchone():
                conn.rollback()  # what was staged, too
                return False
            rows = sum(staged.inserted if staged is not None and upsert.table == staged.upsert.table else _upsert(cursor, upsert, batch_id)
                       for upsert in upserts)
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (checkpoint, batch_id, rows_landed, dead_letters, drifted_rows, landed_at) "
                    "VALUES (%s, %s, %s, %s, %s, coalesce(%s, now()))"
                ).format(_qualified(batches_table)),
                (checkpoint, batch_id, rows, dead_letters, drifted, landed),
            )
    return True


# --- The foreachBatch sinks of the landing queries ------------------------------------------

def _query_id(batch: DataFrame) -> str:
    """Id of the streaming query running this foreachBatch call; it lives in the checkpoint, so it
    is the same after a restart and different for a new checkpoint."""
    query_id = batch.sparkSession.sparkContext.getLocalProperty("sql.streaming.queryId")
    if not query_id:
        raise StreamingError("The landing batch does not know its streaming query id: run it through `python -m streaming run`.")
    return query_id


class Sink(ABC):
    """A query's foreachBatch function. A sink says what a batch lands (`write(batch, batch_id)`:
    rows per table); the base does once, for every sink, what landing needs: a connection kept
    between batches, the retries while PostgreSQL is unreachable (STREAMING_POSTGRES_RETRY_SECONDS,
    each on a new connection), skipping a batch PostgreSQL already has, one transaction with the
    batch id, the timing of the phases and one log line per batch (with its rows of schema drift)."""

    def __init__(self, settings: Settings, checkpoint: str) -> None:
        self.settings = settings
        self.checkpoint = checkpoint
        self.conn = None
        self.timings: dict[str, float] = {}
        self._staging: Staging | None = None  # a batch's rows being landed part by part, until the batch lands

    @abstractmethod
    def write(self, batch: DataFrame, batch_id: int, landed: datetime | None) -> Landing:
        """What a batch lands (rows per table, dead letters included, and its cold copy), its rows
        stamped `landed`, or (None) the time the lander takes the batch."""

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        batches_table = self.settings.table("landed_batches")
        landed = self._retried(batch_id, lambda conn: landed_at(conn, batches_table, self.checkpoint, batch_id))
        if landed is not None:
            # Spark replays a batch that PostgreSQL has (a crash came before its checkpoint commit): only its
            # cold copy is written again, over itself, its rows stamped with the time PostgreSQL holds. The
            # batch is computed whole, which a stateful query needs too: Spark 4.2 fails the query when a
            # state store of the batch did not commit.
            self.write(batch, batch_id, landed).keep_cold()
            return
        self.timings = {}
        staged_files = ColdFiles()
        try:
            landing = self.write(batch, batch_id, None)
            upserts = landing.upserts
            dead_rows = sum(u.rows.num_rows for u in upserts if u.table == self.settings.table("dead_letter"))
            drifted = sum(u.rows.num_rows - u.rows["schema_drift"].null_count for u in upserts if "schema_drift" in u.rows.column_names)

            def land(conn) -> bool:
                # The staged rows serve the first attempt, on their connection; a retry lands the batch whole.
                staged, self._staging = self._staging, None
                if staged is not None and staged.conn is not conn:
                    staged.abandon()
                    staged = None
                return land_batch(conn, batches_table, self.checkpoint, batch_id, upserts, dead_rows, drifted, landing.landed, staged)

            # The files while PostgreSQL lands the parts staged so far; hidden until it has the batch.
            with self.timed("parquet"):
                staged_files = landing.stage_cold()
            with self.timed("postgres"):
                self._retried(batch_id, land)
        except BaseException:
            staged_files.discard()
            raise
        finally:
            if self._staging is not None:  # the batch failed before landing: no transaction stays open
                self._staging.abandon()
                self._staging = None
        with self.timed("parquet"):
            landing.keep_cold(staged_files)
        log.info(
            "%s batch %s landed: %s rows (%s with schema drift), %s dead letters; %s", self.checkpoint.rsplit("/", 1)[-1], batch_id,
            sum(u.rows.num_rows for u in upserts) - dead_rows, drifted, dead_rows,
            ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in self.timings.items()),
        )

    @contextmanager
    def timed(self, phase: str):
        started = time.perf_counter()
        yield
        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    def staging(self, upsert: Upsert, batch_id: int) -> Staging | None:
        """A Staging of a batch's rows for `upsert` on this sink's connection, or None while PostgreSQL is
        unreachable (the batch then lands whole, with the retries)."""
        try:
            self._staging = Staging(self._connection(), upsert, batch_id)
        except retry.UNAVAILABLE:  # the kept connection may have broken since the last batch
            self._drop_connection()
            self._staging = None
        return self._staging

    def _connection(self):
        if self.conn is None or self.conn.closed:
            self.conn = connect(self.settings.postgres)
        return self.conn

    def _drop_connection(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
                pass
        self.conn = None

    def _retried(self, batch_id: int, work):
        """`work(connection)`, retried on a new connection while PostgreSQL is unreachable."""
        what = f"{self.checkpoint.rsplit('/', 1)[-1]} batch {batch_id}"
        return retry.while_unavailable(
            lambda: work(self._connection()), what, self.settings.postgres_retry_seconds, self._drop_connection
        )


# Messages tested at a time: a part's accepted rows go to PostgreSQL (Staging) while the next is tested.
PART_MESSAGES = 5_000


def validated(batch: DataFrame, contract: Contract, screen: screening.Screen,
              on_part: Callable[[pa.Table], object] | None = None) -> pa.Table:
    """A lander's batch (transforms.for_lander) as transforms.validate (for_postgres) would have made
    it, collected: the messages that pass the cheap test (screening) are typed by Arrow's JSON
    reader, the others are validated in full by Spark, alone. `on_part` is given each part of the
    result as soon as it is known: the screened messages PART_MESSAGES at a time, then Spark's."""
    rows = batch.toArrow()
    accepted_parts, other_parts = [], []
    for start in range(0, rows.num_rows, PART_MESSAGES) or [0]:
        accepted, others = _screened(rows.slice(start, PART_MESSAGES), contract, screen)
        if on_part is not None and accepted.num_rows:
            on_part(accepted)
        accepted_parts.append(accepted)
        other_parts.append(others)
    accepted, others = pa.concat_tables(accepted_parts), pa.concat_tables(other_parts)
    if others.num_rows == 0:
        return accepted
    checked = transforms.for_postgres(
        transforms.validate(batch.sparkSession.createDataFrame(others), contract, screen.max_message_bytes)).toArrow()
    if screen.enabled:
        checked = checked.select(accepted.column_names).cast(accepted.schema)
    if on_part is not None:
        on_part(checked)
    return pa.concat_tables([accepted, checked]) if screen.enabled else checked


def _screened(rows: pa.Table, contract: Contract, screen: screening.Screen) -> tuple[pa.Table, pa.Table]:
    """(the messages of `rows` that pass the cheap test, typed; the others, to validate in full)."""
    try:
        texts, typed = screen.passed(rows["value"].to_pylist())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as error:
        # Never seen on a message that passed; should it happen, the full check judges these messages.
        log.warning("Arrow's JSON reader refused screened messages of %s (%s): validating them in full", contract.topic, error)
        texts, typed = [None] * rows.num_rows, screen.typed([])
    return batches.screened(rows, texts, typed)


class TopicLander(Sink):
    """A topic's landing query, whose batches arrive as Kafka rows (transforms.for_lander): collects a
    batch once as Arrow, tests its messages in Python (streaming.screening), validates in full the
    few that do not pass, lands the accepted rows (part by part as it tests them: Staging) and the
    dead letters in PostgreSQL in one transaction with the batch id, and writes the accepted rows
    to Parquet while PostgreSQL finishes, under hidden names that it drops once PostgreSQL commits.

    A batch that Spark replays after a crash lands nothing in PostgreSQL when it has the batch id;
    either way the batch's Parquet files (part-<query id>-<batch id>) are written again over
    themselves, with the same landing time, so neither sink ever holds a message twice.
    """

    def __init__(self, settings: Settings, checkpoint: str, logical: str, contract: Contract) -> None:
        super().__init__(settings, checkpoint)
        self.logical = logical
        self.topic = settings.topics[logical]
        self.contract = contract
        self.screen = screening.Screen(contract, settings.max_message_bytes)

    def write(self, batch: DataFrame, batch_id: int, landed: datetime | None) -> Landing:
        counts = self.logical == momentum.COUNTED
        windows_table = self.settings.table("team_momentum_5min")
        upsert = accepted_rows(self.settings.table(self.logical), pa.table({}), windows_table if counts else None)
        # A batch PostgreSQL has (landed) is only written to the cold store again: nothing to stage.
        staging = self.staging(upsert, batch_id) if landed is None else None
        landed = landed or datetime.now(timezone.utc)
        with self.timed("validate"):
            rows, refused = batches.split(validated(
                batch, self.contract, self.screen,
                None if staging is None else lambda part: staging.put(stamped(batches.accepted(part), landed))))
        rows = stamped(rows, landed)
        name = f"{_query_id(batch)}-{batch_id}"

        def cold_files() -> ColdFiles:
            if not rows.num_rows:
                return ColdFiles()
            return hidden_parquet(batches.with_match_date(batches.first_per_event(rows)), self.settings.parquet_root, self.topic, name)

        def cold() -> None:
            if counts:
                windows = self._retried(batch_id, lambda conn: windows_updated(conn, windows_table, batch_id, landed))
                if windows.num_rows:
                    write_parquet(windows, self.settings.parquet_root, MOMENTUM_FOLDER, name)

        return Landing([
            replace(upsert, rows=rows),
            Upsert(table=self.settings.table("dead_letter"), rows=refused, key=("kafka_topic", "partition", "offset")),
        ], landed, cold, cold_files)


def accepted_rows(table: str, rows: pa.Table, windows_table: str | None = None) -> Upsert:
    """A topic's accepted rows, keyed by event_id, the first copy in Kafka order winning; with
    `windows_table`, the events this batch inserts are counted in its momentum windows too."""
    upsert = Upsert(table=table, rows=rows, key=("event_id",), order_by=("kafka_partition", "kafka_offset"))
    if windows_table is None:
        return upsert
    return replace(upsert, then=momentum.count_windows("landed", windows_table), then_reads=momentum.EVENT_COLUMNS)


def windows_updated(conn, table: str, batch_id: int, landed: datetime) -> pa.Table:
    """The momentum windows a batch of events counted in, as it left them, with `batch_id` and
    `match_date` (the window's day), for the cold store, where the batch layer takes each window's latest."""
    with conn, conn.cursor() as cursor:
        cursor.execute(momentum.updated_by(table), {"batch_id": batch_id, "landed_at": landed})
        found = cursor.fetchall()
    schema = momentum.WINDOW_SCHEMA
    rows = pa.Table.from_pylist([dict(zip(schema.names, row)) for row in found], schema=schema)
    rows = rows.append_column("batch_id", pa.array([batch_id] * rows.num_rows, pa.int64()))
    return rows.append_column("match_date", pc.cast(rows["window_start"], pa.date32()))


class DeadLetterLander(Sink):
    """Lands the producers' dead letters (already read with their headers)."""

    def write(self, batch: DataFrame, batch_id: int, landed: datetime | None) -> Landing:
        with self.timed("read"):
            rows = batch.toArrow()
        return Landing([Upsert(table=self.settings.table("dead_letter"), rows=rows, key=("kafka_topic", "partition", "offset"))],
                       landed or datetime.now(timezone.utc))
