"""Superset's data source is read-only: its connection is the `superset` role, which cannot write."""

from __future__ import annotations

import os
import uuid

import psycopg2
import psycopg2.errors
import pytest

from stack.superset import database_uri
from stack.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def superset_role(pg_settings):
    conn = psycopg2.connect(connect_timeout=10, **(pg_settings | {"user": os.environ["POSTGRES_SUPERSET_USER"],
                                                                 "password": os.environ["POSTGRES_SUPERSET_PASSWORD"]}))
    conn.autocommit = True
    yield conn
    conn.close()


# Tables: the scoreboard is a view, which no role can write into.
@pytest.mark.parametrize("statement", [
    "INSERT INTO marts.player_performance (match_id) VALUES ('superset-write-probe')",
    "DELETE FROM marts.player_performance",
    "UPDATE streaming.dead_letter SET reason = 'changed by superset'",
    "CREATE TABLE marts.superset_write_probe (id int)",
])
def test_the_superset_role_cannot_write(superset_role, statement):
    with superset_role.cursor() as cur, pytest.raises(
        (psycopg2.errors.ReadOnlySqlTransaction, psycopg2.errors.InsufficientPrivilege)
    ):
        cur.execute(statement)


def test_the_superset_role_reads_the_marts(superset_role):
    with superset_role.cursor() as cur:
        cur.execute("SELECT count(*) FROM marts.scoreboard")
        assert cur.fetchone()[0] >= 0


def test_superset_connects_as_the_superset_role_without_dml(api):
    (database,) = api.list("database", database_name="matchday")
    connection = api.get(f"/api/v1/database/{database['id']}/connection")["result"]
    expected_user = Settings.from_env().postgres.superset_user
    assert connection["sqlalchemy_uri"].startswith(f"postgresql+psycopg2://{expected_user}:")
    assert connection["allow_dml"] is False
    # The password Superset stores is never shown back, only its mask.
    assert connection["sqlalchemy_uri"].split("@")[0].rsplit(":", 1)[1] == "XXXXXXXXXX"
    assert database_uri(Settings.from_env().postgres).split("@")[1] == connection["sqlalchemy_uri"].split("@")[1]


def test_sql_lab_refuses_to_write(api):
    (database,) = api.list("database", database_name="matchday")
    from superset_api import SupersetApiError

    with pytest.raises(SupersetApiError, match="DML|read-only|not allowed|permission"):
        api.post("/api/v1/sqllab/execute/", {"database_id": database["id"], "schema": "marts", "runAsync": False,
                                              "sql": "DELETE FROM marts.player_performance", "client_id": uuid.uuid4().hex[:10]})
