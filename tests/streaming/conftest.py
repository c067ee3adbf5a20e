"""Fixtures of the streaming tests: one local SparkSession per test session, and real messages."""

from __future__ import annotations

import gzip
import sys
import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))  # the helpers next to this file (pipeline, bundled_matches, webhook_receiver)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("matchday-streaming-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def russia_saudi_messages() -> list[dict]:
    """The replay's messages of Russia 5-0 Saudi Arabia (see data/NOTICE.md)."""
    with gzip.open(DATA / "statsbomb-7525-messages.jsonl.gz", "rt") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="session")
def contracts_dir() -> Path:
    return ROOT / "ingest" / "contracts"


@pytest.fixture
def pipeline(new_topic, tmp_path, pg_conn):
    """Topics, tables, checkpoints and Parquet root of this test only; tables dropped after."""
    from pipeline import Pipeline

    isolated = Pipeline(new_topic, tmp_path, pg_conn)
    yield isolated
    isolated.drop_tables()


@pytest.fixture
def table_prefix(pg_conn):
    """A name prefix of this test's tables in schema streaming, shaped like the live ones: the
    topics' tables, the momentum windows and landed_batches (dbt_project/evaluate/landing.py)."""
    import uuid

    from dbt_project.evaluate.landing import create_tables, drop_tables

    prefix = f"t{uuid.uuid4().hex[:8]}_"
    create_tables(pg_conn, prefix)
    with pg_conn.cursor() as cursor:
        cursor.execute(f"create table streaming.{prefix}landed_batches (like streaming.landed_batches including all)")
    yield prefix
    drop_tables(pg_conn, prefix)
    with pg_conn.cursor() as cursor:
        cursor.execute(f"drop table streaming.{prefix}landed_batches")


@pytest.fixture
def lander_settings(tmp_path, pg_conn):
    """The job's settings with tables (a prefix of this test's, created by the job's migration),
    checkpoints and Parquet root of this test only, for a lander called directly; tables dropped after."""
    import os
    import uuid

    from pipeline import drop_prefixed_tables
    from streaming import job
    from streaming.settings import Settings

    prefix = f"t{uuid.uuid4().hex[:10]}_"
    settings = Settings.from_env({**os.environ, "STREAMING_TABLE_PREFIX": prefix, "STREAMING_PARQUET_ROOT": str(tmp_path / "parquet"),
                                  "STREAMING_CHECKPOINT_DIR": str(tmp_path / "checkpoints")})
    job.migrate(settings, job.load_contracts(settings))
    yield settings
    drop_prefixed_tables(pg_conn, prefix)
