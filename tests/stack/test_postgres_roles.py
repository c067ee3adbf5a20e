"""The roles of the matchday database: the writer writes, analyst and superset only read."""

import os
import uuid

import psycopg2
import psycopg2.errors
import pytest

pytestmark = pytest.mark.integration


def connect(pg_settings, role):
    user = os.environ[f"POSTGRES_{role}_USER"]
    password = os.environ[f"POSTGRES_{role}_PASSWORD"]
    conn = psycopg2.connect(connect_timeout=10, **(pg_settings | {"user": user, "password": password}))
    conn.autocommit = True
    return conn


@pytest.fixture
def marts_table(pg_conn):
    """A table the writer creates in each schema, with one row."""
    name = f"roles_probe_{uuid.uuid4().hex[:8]}"
    with pg_conn.cursor() as cur:
        for schema in ("streaming", "staging", "marts"):
            cur.execute(f"CREATE TABLE {schema}.{name} (match_id text PRIMARY KEY, home_score int)")
            cur.execute(f"INSERT INTO {schema}.{name} VALUES ('statsbomb:3943077', 2)")
    yield name
    with pg_conn.cursor() as cur:
        for schema in ("streaming", "staging", "marts"):
            cur.execute(f"DROP TABLE {schema}.{name}")


@pytest.mark.parametrize("role", ["ANALYST", "SUPERSET"])
def test_read_only_roles_read_marts(pg_settings, marts_table, role):
    with connect(pg_settings, role) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT match_id, home_score FROM marts.{marts_table}")
        assert cur.fetchall() == [("statsbomb:3943077", 2)]


SCHEMAS = ("streaming", "staging", "marts")
# Every kind of change a read-only role must not make, in each schema.
WRITES = (
    "INSERT INTO {schema}.{table} VALUES ('statsbomb:7546', 1)",
    "UPDATE {schema}.{table} SET home_score = 3",
    "DELETE FROM {schema}.{table}",
    "TRUNCATE {schema}.{table}",
    "CREATE TABLE {schema}.{table}_copy (x int)",
    "CREATE VIEW {schema}.{table}_view AS SELECT 1 AS x",
    "ALTER TABLE {schema}.{table} ADD COLUMN away_score int",
    "DROP TABLE {schema}.{table}",
    "DROP SCHEMA {schema} CASCADE",
)


@pytest.mark.parametrize("role", ["ANALYST", "SUPERSET"])
@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("statement", WRITES)
def test_read_only_roles_cannot_write_any_schema(pg_settings, marts_table, role, schema, statement):
    conn = connect(pg_settings, role)
    try:
        with conn.cursor() as cur:
            # Turning off the read-only default must not help: the privileges refuse too.
            cur.execute("SET default_transaction_read_only = off")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(statement.format(schema=schema, table=marts_table))
    finally:
        conn.close()


@pytest.mark.parametrize("role", ["ANALYST", "SUPERSET"])
@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE public.{table}_copy (x int)",
        "CREATE TEMPORARY TABLE {table}_copy (x int)",
        "CREATE SCHEMA {table}_schema",
    ],
)
def test_read_only_roles_cannot_create_anywhere_else(pg_settings, marts_table, role, statement):
    conn = connect(pg_settings, role)
    try:
        with conn.cursor() as cur:
            cur.execute("SET default_transaction_read_only = off")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(statement.format(table=marts_table))
    finally:
        conn.close()


@pytest.mark.parametrize("role", ["ANALYST", "SUPERSET"])
def test_read_only_roles_are_read_only_by_default_too(pg_settings, marts_table, role):
    conn = connect(pg_settings, role)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW default_transaction_read_only")
            assert cur.fetchone() == ("on",)
    finally:
        conn.close()


def test_writer_writes_streaming_but_cannot_drop_schemas(pg_conn, marts_table):
    with pg_conn.cursor() as cur:
        cur.execute(f"INSERT INTO streaming.{marts_table} VALUES ('statsbomb:7546', 0)")
        cur.execute(f"SELECT count(*) FROM streaming.{marts_table}")
        assert cur.fetchone() == (2,)
        # DROP SCHEMA locks the schema before it checks ownership: don't queue behind a running dbt build.
        cur.execute("SET lock_timeout = '60s'")
        for schema in ("streaming", "staging", "marts"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE ROLE {table}_role LOGIN",
        "CREATE DATABASE {table}_db",
        "CREATE SCHEMA {table}_schema",
        "ALTER ROLE {writer} SUPERUSER",
        "ALTER ROLE {writer} CREATEROLE",
        "ALTER ROLE {analyst} PASSWORD 'changed-by-the-writer'",
        "ALTER SCHEMA marts OWNER TO {writer}",
    ],
)
def test_writer_cannot_create_roles_or_databases_or_raise_its_privileges(pg_conn, marts_table, statement):
    # (As the owner of the tables it builds, the writer could grant on them; a grant it makes by
    # mistake still meets the read-only roles' default_transaction_read_only.)
    with pg_conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute(statement.format(table=marts_table, writer=os.environ["POSTGRES_USER"],
                                         analyst=os.environ["POSTGRES_ANALYST_USER"]))
