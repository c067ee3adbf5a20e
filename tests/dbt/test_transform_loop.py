"""The live loop (`python -m dbt_project.transform_loop`) on tables of this test only: a batch of
live_matches that the landing job's own write lands (streaming.sinks.land_batch) is on marts.scoreboard
as soon as it commits, not at the loop's next cycle, which is an hour away here.

Expected score: the real match 7576 (StatsBomb, FIFA World Cup 2018), Portugal (home) against Spain,
whose first goal, Ronaldo's penalty in the 4th minute, makes it 1-0; before it the scoreboard shows 0-0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from dbt_project.evaluate.landing import create_tables, land
from dbt_project.live_marts import MARTS_YML
from streaming.sinks import Upsert, land_batch
from tests.dbt_run import drop_built

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "ingest" / "data" / "statsbomb"
ALL_MARTS = [model["name"] for model in yaml.safe_load(MARTS_YML.read_text())["models"]]

pytestmark = pytest.mark.integration


def _scoreboard(pg_conn, prefix: str, match_id: str):
    with pg_conn.cursor() as cursor:
        cursor.execute("select to_regclass(%s)", (f"marts.{prefix}scoreboard",))
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"select home_team, away_team, home_score, away_score from marts.{prefix}scoreboard"
                       " where match_id = %s", (match_id,))
        return cursor.fetchone()


def _wait_for(what, condition, timeout: float, loop: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert loop.poll() is None, f"the loop stopped: {log.read_text()[-2000:]}"
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout:.0f} s; the loop's log: {log.read_text()[-2000:]}")


def test_a_landed_goal_reaches_the_scoreboard_without_waiting_for_the_next_cycle(pg_conn, dbt_seeds, tmp_path):
    prefix = f"l{uuid.uuid4().hex[:8]}_"
    messages = _portugal_spain()
    goal = next(i for i, m in enumerate(messages)
                if m.contract == "live-matches" and (m.value["home_score"] or 0) + (m.value["away_score"] or 0) > 0)
    snapshot = messages[goal].value
    match_id = snapshot["match_id"]
    log = tmp_path / "transform_loop.log"
    loop = None
    try:
        _land(pg_conn, prefix, messages[:goal])
        loop = _start_loop(prefix, log)
        _wait_for("the first cycle", lambda: "cycle 1 built the live marts" in log.read_text(), 900, loop, log)
        assert _wait_for("the scoreboard before the goal", lambda: _scoreboard(pg_conn, prefix, match_id), 60, loop, log) \
            == ("Portugal", "Spain", 0, 0)

        # The goal's snapshot lands as the landing job lands a batch: in one transaction with its batch id.
        columns = [c for c in _columns(pg_conn, f"{prefix}live_matches") if c not in ("landed_at", "batch_id")]
        row = {**{c: snapshot.get(c) for c in columns}, "raw": "{}", "kafka_topic": "live-matches",
               "kafka_partition": 0, "kafka_offset": goal}
        rows = pa.Table.from_pylist([row])
        writer = _connect()
        try:
            landed = land_batch(writer, f"streaming.{prefix}landed_batches", f"{tmp_path}/checkpoints/land-live_matches", 0,
                                [Upsert(table=f"streaming.{prefix}live_matches", rows=rows, key=("event_id",))], 0)
        finally:
            writer.close()
        assert landed
        # Read at once, with no build in between: the scoreboard is a view.
        assert _scoreboard(pg_conn, prefix, match_id) == ("Portugal", "Spain", 1, 0)
        assert "cycle 2" not in log.read_text()  # the cycles did not do it: the next is an hour away

        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=120) == 0, log.read_text()[-2000:]
        assert "stopped after 1 cycles" in log.read_text()
    finally:
        if loop is not None and loop.poll() is None:
            loop.kill()
            loop.wait()
        _drop(pg_conn, prefix)


def test_a_stop_sent_to_the_loops_process_group_during_a_cycle_is_a_stop_not_a_failure(pg_conn, dbt_seeds, tmp_path):
    # make down and the benchmark stop the loop with SIGTERM to its process group, which stops the cycle's
    # dbt build too: the loop says so and exits 0, rather than logging a failed cycle with empty output.
    # dbt may be gone before the loop's main thread has run its handler (seen under load): here it is,
    # by a second.
    prefix = f"s{uuid.uuid4().hex[:8]}_"
    log = tmp_path / "transform_loop.log"
    loop = None
    try:
        _land(pg_conn, prefix, _portugal_spain())
        loop = _start_loop(prefix, log, start_new_session=True)
        dbt = _wait_for("the first cycle's dbt build", lambda: _cycle_build(loop.pid), 900, loop, log)
        os.kill(dbt, signal.SIGTERM)
        time.sleep(1)
        os.killpg(loop.pid, signal.SIGTERM)
        assert loop.wait(timeout=120) == 0, log.read_text()[-2000:]
        text = log.read_text()
        assert "cycle 1 stopped with the loop" in text, text[-2000:]
        assert "failed" not in text, text[-2000:]
    finally:
        if loop is not None and loop.poll() is None:
            os.killpg(loop.pid, signal.SIGKILL)
            loop.wait()
        _drop(pg_conn, prefix)


def _portugal_spain() -> list:
    """The replay's messages of the real match 7576, Portugal - Spain."""
    from ingest.providers.statsbomb.files import find_matches, load_match
    from ingest.replay import matchday_timeline

    match = [load_match(f) for f in find_matches([BUNDLED], match_ids={"7576"})]
    return list(matchday_timeline(match, datetime(2026, 1, 1, 15, tzinfo=timezone.utc)))


def _land(pg_conn, prefix: str, messages: list) -> None:
    """Tables of this test (the landing job's batches among them) holding `messages`."""
    create_tables(pg_conn, prefix)
    with pg_conn.cursor() as cursor:
        cursor.execute(f"create table streaming.{prefix}landed_batches (like streaming.landed_batches including all)")
    land(pg_conn, prefix, ((m.contract, m.value) for m in messages))


def _start_loop(prefix: str, log: Path, **popen) -> subprocess.Popen:
    """The loop on the tables of `prefix`, its next cycle an hour after the first, logging to `log`."""
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project"),
           "DBT_LOOP_INTERVAL": "3600", "DBT_FRESHNESS_EVERY_CYCLES": "1000"}
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "dbt_project.transform_loop"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, **popen)


def _drop(pg_conn, prefix: str) -> None:
    drop_built(pg_conn, prefix, ALL_MARTS)
    with pg_conn.cursor() as cursor:
        for table in ("landed_batches", "source_freshness"):
            cursor.execute(f"drop table if exists streaming.{prefix}{table}")


def _cycle_build(loop_pid: int) -> int | None:
    """The pid of the loop's child running a cycle's dbt build (its command line names the live
    selector), if one runs."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == loop_pid and b"--selector\x00live\x00" in (stat.parent / "cmdline").read_bytes():
                return int(stat.parent.name)
        except (OSError, ValueError, IndexError):
            continue
    return None


def _columns(pg_conn, table: str) -> list[str]:
    with pg_conn.cursor() as cursor:
        cursor.execute("select column_name from information_schema.columns where table_schema = 'streaming'"
                       " and table_name = %s order by ordinal_position", (table,))
        return [name for (name,) in cursor.fetchall()]


def _connect():
    from tests.dbt_run import connect

    conn = connect()
    conn.autocommit = False
    return conn
