"""The committed DDL (streaming/sql/tables.sql) is the one the contracts generate today, and
`migrate` brings an older table up to it."""

import os
import uuid
from pathlib import Path

import pytest

from pipeline import drop_prefixed_tables
from streaming import ddl
from streaming.job import load_contracts, migrate
from streaming.settings import Settings

SQL = Path(__file__).resolve().parents[2] / "streaming" / "sql" / "tables.sql"


def test_tables_sql_is_up_to_date_with_the_contracts():
    settings = Settings.from_env({})
    assert SQL.read_text() == ddl.render(load_contracts(settings)), "run `python -m streaming ddl > streaming/sql/tables.sql`"


def test_topic_tables_have_the_contract_fields_then_raw_and_kafka_metadata():
    contracts = load_contracts(Settings.from_env({}))
    sql = ddl.render(contracts)
    block = sql.split("CREATE TABLE IF NOT EXISTS streaming.match_events (")[1].split(");")[0]
    columns = [line.split()[0] for line in block.strip().splitlines()]
    assert columns[: len(contracts["match_events"].struct)] == contracts["match_events"].struct.fieldNames()
    assert columns[-1] == "PRIMARY"
    assert columns[-9:-1] == ["raw", "schema_drift", "kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp", "landed_at", "batch_id"]


@pytest.mark.integration
def test_migrate_upgrades_a_dead_letter_table_of_the_first_shape(pg_conn):
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    table = f"streaming.{prefix}dead_letter"
    with pg_conn.cursor() as cursor:
        # The shape before the producers' dead letters were landed, with one of Spark's rows.
        cursor.execute(
            f'CREATE TABLE {table} (topic text NOT NULL, partition integer NOT NULL, "offset" bigint NOT NULL, key text,'
            " payload text, reason text NOT NULL, kafka_timestamp timestamptz, landed_at timestamptz NOT NULL DEFAULT now(),"
            f' batch_id bigint NOT NULL, PRIMARY KEY (topic, partition, "offset"))'
        )
        cursor.execute(f"INSERT INTO {table} VALUES ('match-events', 0, 7, 'k', '{{', 'not valid JSON', NULL, now(), 3)")
    settings = Settings.from_env({"STREAMING_TABLE_PREFIX": prefix, **{k: v for k, v in os.environ.items() if k.startswith("POSTGRES_")}})
    try:
        migrate(settings, load_contracts(settings))
        migrate(settings, load_contracts(settings))  # a second migrate changes nothing
        with pg_conn.cursor() as cursor:
            cursor.execute(f"SELECT topic, kafka_topic, rejected_by, reason FROM {table}")
            assert cursor.fetchall() == [("match-events", "match-events", "streaming", "not valid JSON")]
            cursor.execute(
                "SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index i JOIN pg_attribute a"
                " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
                (table,),
            )
            assert cursor.fetchone()[0] == ["kafka_topic", "offset", "partition"]
    finally:
        drop_prefixed_tables(pg_conn, prefix)


@pytest.mark.integration
def test_migrate_adds_contract_fields_to_a_table_created_before_them(pg_conn):
    # match_events as it was before the contract gained body_part, shot_type and play_pattern.
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    settings = Settings.from_env({"STREAMING_TABLE_PREFIX": prefix, **{k: v for k, v in os.environ.items() if k.startswith("POSTGRES_")}})
    table = f"streaming.{prefix}match_events"
    try:
        migrate(settings, load_contracts(settings))
        with pg_conn.cursor() as cursor:
            for column in ("body_part", "shot_type", "play_pattern"):
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        migrate(settings, load_contracts(settings))
        with pg_conn.cursor() as cursor:
            cursor.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'streaming' AND table_name = %s AND column_name IN ('body_part', 'shot_type', 'play_pattern')"
                " ORDER BY column_name",
                (f"{prefix}match_events",),
            )
            assert cursor.fetchall() == [("body_part", "text"), ("play_pattern", "text"), ("shot_type", "text")]
    finally:
        drop_prefixed_tables(pg_conn, prefix)


@pytest.mark.integration
@pytest.mark.faults
def test_migrate_adds_the_schema_drift_columns_to_tables_created_before_them(pg_conn):
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    settings = Settings.from_env({"STREAMING_TABLE_PREFIX": prefix, **{k: v for k, v in os.environ.items() if k.startswith("POSTGRES_")}})
    try:
        migrate(settings, load_contracts(settings))
        with pg_conn.cursor() as cursor:
            for table in ("live_matches", "match_events", "player_live_stats", "team_live_stats"):
                cursor.execute(f"ALTER TABLE streaming.{prefix}{table} DROP COLUMN schema_drift")
            cursor.execute(f"ALTER TABLE streaming.{prefix}landed_batches DROP COLUMN drifted_rows")
            cursor.execute(f"INSERT INTO streaming.{prefix}landed_batches (checkpoint, batch_id, rows_landed, dead_letters) VALUES ('c', 0, 5, 0)")
        migrate(settings, load_contracts(settings))
        with pg_conn.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'streaming'"
                " AND table_name LIKE %s AND column_name IN ('schema_drift', 'drifted_rows') ORDER BY table_name",
                (prefix + "%",),
            )
            assert cursor.fetchall() == [
                (f"{prefix}landed_batches", "drifted_rows", "bigint"),
                (f"{prefix}live_matches", "schema_drift", "text"),
                (f"{prefix}match_events", "schema_drift", "text"),
                (f"{prefix}player_live_stats", "schema_drift", "text"),
                (f"{prefix}team_live_stats", "schema_drift", "text"),
            ]
            cursor.execute(f"SELECT rows_landed, drifted_rows FROM streaming.{prefix}landed_batches")
            assert cursor.fetchall() == [(5, 0)]
    finally:
        drop_prefixed_tables(pg_conn, prefix)
