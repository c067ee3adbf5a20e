"""Lands contract messages in tables shaped like schema `streaming` under a name prefix, so
the dbt models run unchanged on evaluation data (STREAMING_TABLE_PREFIX selects them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from psycopg2.extras import execute_values

# Contract (= topic) of each message -> table of schema streaming.
TABLES = {
    "live-matches": "live_matches",
    "match-events": "match_events",
    "player-live-stats": "player_live_stats",
    "team-live-stats": "team_live_stats",
}
MOMENTUM_TABLE = "team_momentum_5min"
# What the alerts process records, which marts.notifications reads: empty here, no alert is sent.
ALERTS_TABLE = "alerts_sent"
# Kafka metadata columns the landed rows must carry; evaluation rows come from no topic.
_METADATA = ("raw", "kafka_topic", "kafka_partition", "kafka_offset", "batch_id")


def create_tables(conn, prefix: str) -> None:
    """Empty tables `streaming.<prefix><table>` with the columns of the live tables."""
    with conn.cursor() as cursor:
        for table in (*TABLES.values(), MOMENTUM_TABLE, ALERTS_TABLE):
            cursor.execute(f"drop table if exists streaming.{prefix}{table} cascade")
            cursor.execute(f"create table streaming.{prefix}{table} (like streaming.{table} including all)")


def drop_tables(conn, prefix: str) -> None:
    with conn.cursor() as cursor:
        for table in (*TABLES.values(), MOMENTUM_TABLE, ALERTS_TABLE):
            cursor.execute(f"drop table if exists streaming.{prefix}{table} cascade")


def _columns(conn, table: str) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute(
            "select column_name from information_schema.columns"
            " where table_schema = 'streaming' and table_name = %s order by ordinal_position",
            (table,),
        )
        return [row[0] for row in cursor.fetchall()]


def land(conn, prefix: str, messages: Iterable[tuple[str, dict[str, Any]]], page_size: int = 5000) -> dict[str, int]:
    """Insert (contract, message) pairs as the streaming job would; returns rows per table."""
    columns = {table: [c for c in _columns(conn, prefix + table) if c not in ("landed_at", *_METADATA)]
               for table in TABLES.values()}
    batches: dict[str, list[tuple]] = {table: [] for table in TABLES.values()}
    counts = dict.fromkeys(TABLES.values(), 0)

    def flush(table: str) -> None:
        rows = batches[table]
        if not rows:
            return
        names = ", ".join([*columns[table], *_METADATA])
        with conn.cursor() as cursor:
            execute_values(cursor, f"insert into streaming.{prefix}{table} ({names}) values %s"
                           " on conflict (event_id) do nothing", rows, page_size=page_size)
        counts[table] += len(rows)
        rows.clear()

    for contract, message in messages:
        table = TABLES[contract]
        offset = counts[table] + len(batches[table])
        values = [message.get(column) for column in columns[table]]
        batches[table].append((*values, json.dumps(message), f"evaluation-{contract}", 0, offset, 0))
        if len(batches[table]) >= page_size:
            flush(table)
    for table in TABLES.values():
        flush(table)
    return counts
