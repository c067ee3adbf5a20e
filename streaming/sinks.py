"""Idempotent writes: PostgreSQL in bulk (COPY into a temporary table, then INSERT ... ON CONFLICT)
and Parquet files named after the batch, so a batch written again replaces its own files.

A micro-batch lands in one transaction together with its row in `landed_batches`, so a batch
that Spark replays after a crash is recognised and skipped, and rows never land twice.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import psycopg2
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from psycopg2 import sql

from .errors import PostgresUnavailableError, StreamingError
from .settings import PostgresSettings


@dataclass(frozen=True)
class Upsert:
    """Rows for one table: insert new keys only, or overwrite the measures of existing keys."""

    table: str  # schema-qualified
    rows: pa.Table
    key: tuple[str, ...]
    update: bool = False  # False: ON CONFLICT DO NOTHING (first copy of a message wins)
    order_by: tuple[str, ...] = ()  # which duplicate of a key inside the batch wins


def connect(settings: PostgresSettings):
    try:
        return psycopg2.connect(**settings.connect_kwargs())
    except psycopg2.OperationalError as error:
        raise PostgresUnavailableError(
            f"Cannot connect to PostgreSQL at {settings.host}:{settings.port} as {settings.user} "
            f"({str(error).strip().splitlines()[0]}): run `make up` or set POSTGRES_HOST/POSTGRES_PORT/POSTGRES_USER/POSTGRES_PASSWORD."
        ) from None


def _csv(rows: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    buffer.seek(0)
    return buffer


def _qualified(table: str) -> sql.Composable:
    schema, name = table.split(".")
    return sql.Identifier(schema, name)


def _upsert(cursor, upsert: Upsert, batch_id: int) -> int:
    if upsert.rows.num_rows == 0:
        return 0
    columns = [c for c in upsert.rows.column_names if c != "batch_id"]
    temp = sql.Identifier(f"incoming_{upsert.table.split('.')[-1]}")
    target = _qualified(upsert.table)
    cols = sql.SQL(", ").join(map(sql.Identifier, columns))
    # Same column types as the target, none of its constraints (those apply on the INSERT).
    cursor.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(temp, cols, target)
    )
    cursor.copy_expert(
        sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER true)").format(temp, cols).as_string(cursor),
        _csv(upsert.rows.select(columns)),
    )
    key = sql.SQL(", ").join(map(sql.Identifier, upsert.key))
    order = sql.SQL(", ").join(map(sql.Identifier, (*upsert.key, *upsert.order_by)))
    if upsert.update:
        measures = [c for c in columns if c not in upsert.key]
        action = sql.SQL("DO UPDATE SET {}, landed_at = now(), batch_id = EXCLUDED.batch_id").format(
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in measures)
        )
    else:
        action = sql.SQL("DO NOTHING")
    cursor.execute(
        sql.SQL(
            "INSERT INTO {target} ({cols}, batch_id) "
            "SELECT DISTINCT ON ({key}) {cols}, %s FROM {temp} ORDER BY {order} "
            "ON CONFLICT ({key}) {action}"
        ).format(target=target, cols=cols, key=key, temp=temp, order=order, action=action),
        (batch_id,),
    )
    return cursor.rowcount


def _filesystem(root: str) -> tuple[pafs.FileSystem, str]:
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
    fs, base = _filesystem(root)
    files = 0
    for match_date in pc.unique(rows["match_date"]).to_pylist():
        day = rows.filter(pc.is_null(rows["match_date"]) if match_date is None else pc.equal(rows["match_date"], match_date))
        folder = f"{base}/topic={topic}/match_date={match_date if match_date is not None else '__HIVE_DEFAULT_PARTITION__'}"
        fs.create_dir(folder, recursive=True)
        temporary, final = f"{folder}/.part-{name}.parquet.tmp", f"{folder}/part-{name}.parquet"
        pq.write_table(day.drop_columns(["match_date"]), temporary, filesystem=fs, compression="zstd")
        fs.move(temporary, final)
        files += 1
    return files


def has_landed(conn, batches_table: str, checkpoint: str, batch_id: int) -> bool:
    with conn, conn.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT 1 FROM {} WHERE checkpoint = %s AND batch_id = %s").format(_qualified(batches_table)),
            (checkpoint, batch_id),
        )
        return cursor.fetchone() is not None


def landed_batch_ids(conn, batches_table: str, checkpoint: str) -> set[int]:
    """The batch ids of a checkpoint's query that PostgreSQL holds."""
    with conn, conn.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT batch_id FROM {} WHERE checkpoint = %s").format(_qualified(batches_table)), (checkpoint,))
        return {row[0] for row in cursor.fetchall()}


def land_batch(
    conn, batches_table: str, checkpoint: str, batch_id: int, upserts: list[Upsert], dead_letters: int, drifted: int = 0
) -> bool:
    """Write a micro-batch's upserts in one transaction; False when this batch had landed already."""
    with conn:  # commits, or rolls back on any error
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("SELECT 1 FROM {} WHERE checkpoint = %s AND batch_id = %s").format(_qualified(batches_table)),
                (checkpoint, batch_id),
            )
            if cursor.fetchone():
                return False
            landed = sum(_upsert(cursor, upsert, batch_id) for upsert in upserts)
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (checkpoint, batch_id, rows_landed, dead_letters, drifted_rows) VALUES (%s, %s, %s, %s, %s)"
                ).format(_qualified(batches_table)),
                (checkpoint, batch_id, landed, dead_letters, drifted),
            )
    return True
