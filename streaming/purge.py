"""Hot retention: deletes rows of schema `streaming` landed more than N days ago (Parquet is kept)."""

from __future__ import annotations

from psycopg2 import sql

from . import sinks
from .settings import TOPICS, Settings

PURGED_TABLES = (*TOPICS, "dead_letter", "team_momentum_5min", "pipeline_metrics", "landed_batches")


def purge(settings: Settings, days: int) -> dict[str, int]:
    """Delete rows older than `days` from each hot table; returns rows deleted per table."""
    deleted = {}
    conn = sinks.connect(settings.postgres)
    try:
        with conn, conn.cursor() as cursor:
            for name in PURGED_TABLES:
                schema, table = settings.table(name).split(".")
                cursor.execute(
                    sql.SQL("DELETE FROM {} WHERE landed_at < now() - make_interval(days => %s)").format(
                        sql.Identifier(schema, table)
                    ),
                    (days,),
                )
                deleted[name] = cursor.rowcount
    finally:
        conn.close()
    return deleted
