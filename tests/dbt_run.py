"""dbt run on the streaming tables of one test (by table prefix), as the tests that build marts do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def connect():
    """An autocommit connection of the pipeline's writer role (POSTGRES_*), as the tests that build marts use."""
    import psycopg2

    conn = psycopg2.connect(host=os.environ["POSTGRES_HOST"], port=os.environ["POSTGRES_PORT"],
                            dbname=os.environ["POSTGRES_DB"], user=os.environ["POSTGRES_USER"],
                            password=os.environ["POSTGRES_PASSWORD"], connect_timeout=10)
    conn.autocommit = True
    return conn


def dbt(prefix: str, *args: str) -> None:
    """`dbt *args` on the tables of `prefix`; a failure fails the test with the end of dbt's output."""
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    done = subprocess.run([str(Path(sys.executable).with_name("dbt")), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


# The intermediate models dbt materializes as tables on a prefix (the views go with their tables).
INTERMEDIATE_TABLES = ("int_fantasy_actions", "int_match_results", "int_shots_xg", "int_team_ratings")


def drop_marts(conn, prefix: str, marts) -> None:
    """Drop the marts named on `prefix`. A mart may be a view, and views may be built on a mart: each
    is dropped as what it is, with what depends on it."""
    with conn.cursor() as cursor:
        for mart in marts:
            cursor.execute("select case relkind when 'v' then 'view' else 'table' end from pg_class"
                           " where oid = to_regclass(%s)", (f"marts.{prefix}{mart}",))
            for (kind,) in cursor.fetchall():
                cursor.execute(f"drop {kind} marts.{prefix}{mart} cascade")


def drop_built(conn, prefix: str, marts) -> None:
    """Drop what a test built on `prefix`: the marts named, the intermediate tables, then the
    streaming tables (which cascade to the staging views)."""
    from dbt_project.evaluate.landing import drop_tables

    drop_marts(conn, prefix, marts)
    with conn.cursor() as cursor:
        for table in INTERMEDIATE_TABLES:
            cursor.execute(f"drop table if exists staging.{prefix}{table} cascade")
    drop_tables(conn, prefix)
