"""The transform loop's freshness check: `dbt source freshness` on the landed tables of this test (by
table prefix), recorded in streaming.<prefix>source_freshness for the Pipeline health dashboard, without
failing on an empty or a missing table."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

from dbt_project.evaluate.landing import create_tables, drop_tables, land
from dbt_project.transform_loop import FRESHNESS_TABLE, check_freshness, failed_tables, freshness_due, freshness_rows

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
# The source tables sources.yml gives a freshness rule (dead_letter and source_freshness have none).
CHECKED = {"live_matches", "match_events", "player_live_stats", "team_live_stats", "team_momentum_5min",
           "pipeline_metrics"}


def _recorded(pg_conn, prefix: str) -> dict[str, tuple]:
    with pg_conn.cursor() as cursor:
        cursor.execute("select source_table, status, max_loaded_at, age_seconds, warn_after, error_after, checked_at"
                       f" from streaming.{prefix}{FRESHNESS_TABLE}")
        return {row[0]: row[1:] for row in cursor.fetchall()}


def test_the_loop_records_each_source_tables_freshness_and_survives_empty_and_missing_tables(pg_conn):
    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import matchday_timeline

    prefix = f"f{uuid.uuid4().hex[:8]}_"
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    # The four topics' tables and the (empty) momentum windows, but no pipeline_metrics of this prefix.
    create_tables(pg_conn, prefix)
    try:
        match = [load_match(f) for f in find_matches([BUNDLED], match_ids={"7576"})]
        messages = matchday_timeline(match, datetime(2026, 1, 1, 15, tzinfo=timezone.utc))
        land(pg_conn, prefix, ((m.contract, m.value) for m in messages if m.offset < 600))

        rows = check_freshness(env)
        recorded = _recorded(pg_conn, prefix)
        assert {row["source_table"] for row in rows} == {f"streaming.{table}" for table in CHECKED}
        assert recorded.keys() == {f"streaming.{table}" for table in CHECKED}
        status, max_loaded_at, age, warn_after, error_after, checked_at = recorded["streaming.live_matches"]
        assert status == "pass" and max_loaded_at is not None and 0 <= age < 300
        assert (warn_after, error_after) == ("5 minutes", "30 minutes")
        assert abs((datetime.now(timezone.utc) - checked_at).total_seconds()) < 300
        # Landed just now, so fresh: rows of every topic.
        assert all(recorded[f"streaming.{table}"][0] == "pass"
                   for table in ("match_events", "player_live_stats", "team_live_stats"))
        # No momentum window landed: an error with nothing to date; pipeline_metrics does not exist here.
        assert recorded["streaming.team_momentum_5min"][:3] == ("error", None, None)
        assert recorded["streaming.pipeline_metrics"][:3] == ("error", None, None)

        # The next check replaces the record: one row per table, checked later.
        check_freshness(env)
        again = _recorded(pg_conn, prefix)
        assert again.keys() == recorded.keys()
        assert again["streaming.live_matches"][-1] > checked_at
    finally:
        with pg_conn.cursor() as cursor:
            cursor.execute(f"drop table if exists streaming.{prefix}{FRESHNESS_TABLE}")
        drop_tables(pg_conn, prefix)


def test_freshness_is_checked_on_the_first_cycle_then_every_n():
    assert [cycle for cycle in range(1, 10) if freshness_due(cycle, 4)] == [1, 5, 9]
    assert all(freshness_due(cycle, 1) for cycle in range(1, 5))


def test_an_empty_table_and_one_dbt_could_not_read_are_errors_without_a_date():
    # What dbt 1.11 writes: sources.json with the year 1 for an empty table, and the JSON log line of a
    # table it could not query (which sources.json leaves out).
    sources = {"results": [
        {"unique_id": "source.matchday.streaming.live_matches", "status": "warn",
         "max_loaded_at": "2026-12-01T07:40:41.611448+00:00", "max_loaded_at_time_ago_in_s": 304.0,
         "snapshotted_at": "2026-12-01T07:45:45.639511+00:00",
         "criteria": {"warn_after": {"count": 5, "period": "minute"}, "error_after": {"count": 30, "period": "minute"},
                      "filter": None}},
        {"unique_id": "source.matchday.streaming.team_momentum_5min", "status": "error",
         "max_loaded_at": "0001-01-01T00:00:00+00:00", "max_loaded_at_time_ago_in_s": 63931707595.9,
         "snapshotted_at": "2026-12-01T07:45:46.022832+00:00", "criteria": {"warn_after": {"count": 1, "period": "hour"}}},
    ]}
    log = "\n".join([
        "not json",
        '{"info": {"name": "LogFreshnessResult"}, "data": {"status": "runtime error", '
        '"node_info": {"unique_id": "source.matchday.streaming.pipeline_metrics"}}}',
        '{"info": {"name": "LogFreshnessResult"}, "data": {"status": "warn", '
        '"node_info": {"unique_id": "source.matchday.streaming.live_matches"}}}',
    ])
    rows = {row["source_table"]: row for row in freshness_rows(sources, failed_tables(log))}
    assert rows["streaming.live_matches"] == {
        "source_table": "streaming.live_matches", "status": "warn", "max_loaded_at": "2026-12-01T07:40:41.611448+00:00",
        "age_seconds": 304.0, "warn_after": "5 minutes", "error_after": "30 minutes",
        "checked_at": "2026-12-01T07:45:45.639511+00:00"}
    empty = rows["streaming.team_momentum_5min"]
    assert (empty["status"], empty["max_loaded_at"], empty["age_seconds"]) == ("error", None, None)
    assert (empty["warn_after"], empty["error_after"]) == ("1 hour", None)
    unread = rows["streaming.pipeline_metrics"]
    assert (unread["status"], unread["max_loaded_at"], unread["age_seconds"]) == ("error", None, None)
    assert unread["checked_at"]
