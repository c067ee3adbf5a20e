"""`python -m dbt_project.transform_loop`: builds the live marts every DBT_LOOP_INTERVAL seconds
(incrementally: only matches with newly landed rows are rebuilt), logs each cycle's duration, checks
the sources' freshness every DBT_FRESHNESS_EVERY_CYCLES cycles into streaming.source_freshness, and
stops cleanly on SIGTERM or SIGINT.

The scoreboard does not wait for a cycle: it is a view that reads the snapshots landed since the last
cycle (models/marts/scoreboard.sql)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import PostgresSettings, positive_number
from stack import envfile

ROOT = Path(__file__).resolve().parents[1]
# The marts that change while matches are played, as selectors.yml defines them (`dbt ls --selector live`).
CYCLE_SELECTION = ("--selector", "live")
# Where each freshness check is recorded, in schema streaming (behind STREAMING_TABLE_PREFIX, like the
# tables it checks): one row per source table with a freshness rule, the newest check only.
FRESHNESS_TABLE = "source_freshness"
# A check takes seconds (a max(landed_at) per table); one that hangs (a locked table) must not stop the builds.
FRESHNESS_TIMEOUT_SECONDS = 300
FRESHNESS_DDL = """
CREATE TABLE IF NOT EXISTS {table} (
    source_table text PRIMARY KEY,
    status text NOT NULL,
    max_loaded_at timestamptz,
    age_seconds double precision,
    warn_after text,
    error_after text,
    checked_at timestamptz NOT NULL
)"""

log = logging.getLogger("dbt_project.transform_loop")


class TransformLoopError(Exception):
    """A setting of the loop is wrong; the message says what to set."""


class FreshnessCheckError(Exception):
    """`dbt source freshness` gave no result, or it could not be recorded; the loop goes on."""


def interval_from_env() -> float:
    try:
        return positive_number(os.environ.get("DBT_LOOP_INTERVAL", "30"), "DBT_LOOP_INTERVAL", float, "seconds")
    except ConfigError as error:
        raise TransformLoopError(str(error)) from None


def busy_share_from_env() -> float:
    """DBT_LOOP_BUSY_SHARE: the largest share of the time the cycles may take, above 0 and at most 1."""
    raw = os.environ.get("DBT_LOOP_BUSY_SHARE", "0.5")
    try:
        share = float(raw)
    except ValueError:
        share = float("nan")
    if not 0 < share <= 1:
        raise TransformLoopError(f"DBT_LOOP_BUSY_SHARE must be a number above 0 and at most 1, not {raw!r}: set it in .env.")
    return share


def rest_after(seconds: float, interval: float, busy_share: float) -> float:
    """Seconds to wait after a cycle of `seconds`: the rest of the interval, and at least enough that the
    cycles take no more than `busy_share` of the time. On a machine where dbt and PostgreSQL share the cores
    with the landing job, cycles back to back (a busy match day) would slow the landing of every event."""
    return max(0.0, interval - seconds, seconds * (1 - busy_share) / busy_share)


def freshness_every_from_env() -> int:
    try:
        return positive_number(os.environ.get("DBT_FRESHNESS_EVERY_CYCLES", "4"), "DBT_FRESHNESS_EVERY_CYCLES", int,
                               "cycles")
    except ConfigError as error:
        raise TransformLoopError(str(error)) from None


def check_settings() -> None:
    missing = [name for name in ("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD")
               if not os.environ.get(name)]
    if missing:
        raise TransformLoopError(f"Set {missing[0]} (see .env.example) so dbt can reach PostgreSQL.")


def dbt_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("dbt")), *args]


def live_build(*extra: str) -> list[str]:
    """The loop's `dbt build` of the live selector (extra: more dbt options, e.g. --vars)."""
    return dbt_command("build", "--quiet", *CYCLE_SELECTION, *extra)


def run_cycle(env: dict[str, str]) -> tuple[int, float, str]:
    """One `dbt build` of the live marts; (dbt's exit status, negative when a signal
    stopped it; seconds; dbt's last lines)."""
    started = time.monotonic()
    done = subprocess.run(live_build(),
                          cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode, time.monotonic() - started, (done.stdout + done.stderr).strip()[-600:]


# How long a cycle whose dbt a signal stopped waits for the loop's own stop: the signal reaches dbt and the
# loop at once, but only the loop's main thread runs its handler, which may come a little later.
STOP_GRACE_SECONDS = 5.0


def freshness_due(cycle: int, every: int) -> bool:
    """Whether cycle `cycle` (from 1) checks freshness: the first, then every `every` cycles."""
    return (cycle - 1) % every == 0


def _threshold(criteria: dict, name: str) -> str | None:
    rule = criteria.get(name) or {}
    if not rule.get("count"):
        return None
    return f"{rule['count']} {rule['period']}{'s' if rule['count'] != 1 else ''}"


def failed_tables(log_lines: str) -> list[str]:
    """unique_ids of the source tables dbt could not query (a missing table, a lost connection), from its
    JSON log: sources.json leaves them out."""
    failed = []
    for line in log_lines.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        data = event.get("data") or {}
        if (event.get("info") or {}).get("name") == "LogFreshnessResult" and data.get("status") == "runtime error":
            failed.append(data["node_info"]["unique_id"])
    return failed


def freshness_rows(sources_json: dict, failed: list[str] = ()) -> list[dict]:
    """One row per checked source table from dbt's sources.json: status pass, warn or error, the newest
    landed_at and its age, both null for an empty table; a table dbt could not query (`failed`) is an error."""
    now = datetime.now(timezone.utc).isoformat()
    results = list(sources_json["results"]) + [{"unique_id": unique_id, "status": "error"} for unique_id in failed]
    rows = []
    for result in results:
        _, _, source, table = result["unique_id"].split(".", 3)
        max_loaded_at = result.get("max_loaded_at")
        # An empty table: dbt reports the year 1 (and an age of two thousand years).
        empty = max_loaded_at is None or max_loaded_at.startswith("0001-")
        criteria = result.get("criteria") or {}
        rows.append({
            "source_table": f"{source}.{table}",
            "status": result["status"] if result["status"] in ("pass", "warn") else "error",
            "max_loaded_at": None if empty else max_loaded_at,
            "age_seconds": None if empty else result.get("max_loaded_at_time_ago_in_s"),
            "warn_after": _threshold(criteria, "warn_after"),
            "error_after": _threshold(criteria, "error_after"),
            "checked_at": result.get("snapshotted_at") or now,
        })
    return rows


def record_freshness(rows: list[dict], env: dict[str, str]) -> None:
    """Replace the recorded check with `rows`, in one transaction (a reader sees the old or the new one)."""
    import psycopg2
    from psycopg2 import sql

    table = sql.Identifier("streaming", env.get("STREAMING_TABLE_PREFIX", "") + FRESHNESS_TABLE)
    try:
        conn = PostgresSettings.from_env(env).connect()
    except (ConfigError, psycopg2.Error) as error:
        raise FreshnessCheckError(f"could not reach PostgreSQL to record freshness: {error}") from None
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql.SQL(FRESHNESS_DDL).format(table=table))
            cursor.execute(sql.SQL("DELETE FROM {}").format(table))
            for row in rows:
                cursor.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                    table, sql.SQL(", ").join(map(sql.Identifier, row)),
                    sql.SQL(", ").join(sql.Placeholder() * len(row))), list(row.values()))
    except psycopg2.Error as error:
        raise FreshnessCheckError(f"could not record freshness: {error}") from None
    finally:
        conn.close()


def check_freshness(env: dict[str, str]) -> list[dict]:
    """`dbt source freshness` on the sources with a freshness rule (sources.yml), recorded in
    streaming.source_freshness; the rows recorded. dbt exits 1 when a table is stale or empty: that is a
    result, recorded like the others; no result at all is a FreshnessCheckError."""
    with tempfile.TemporaryDirectory(prefix="matchday-freshness-") as folder:
        output = Path(folder) / "sources.json"
        try:
            done = subprocess.run(dbt_command("source", "freshness", "--log-format", "json", "--output", str(output)),
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=FRESHNESS_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise FreshnessCheckError(f"dbt source freshness took over {FRESHNESS_TIMEOUT_SECONDS} s") from None
        if not output.exists():
            raise FreshnessCheckError(f"dbt source freshness gave no result: {(done.stdout + done.stderr).strip()[-600:]}")
        rows = freshness_rows(json.loads(output.read_text()), failed_tables(done.stdout))
    record_freshness(rows, env)
    return rows


def main() -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        interval = interval_from_env()
        busy_share = busy_share_from_env()
        freshness_every = freshness_every_from_env()
        check_settings()
    except TransformLoopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ["DBT_PROFILES_DIR"] = os.environ.get("DBT_PROFILES_DIR") or str(ROOT / "dbt_project")
    env = dict(os.environ)
    stop = threading.Event()

    def request_stop(signum, _frame):
        # Sent to the loop's process group (make down, the benchmark), the signal also stops a running dbt
        # build, whose transaction PostgreSQL rolls back; sent to the loop alone, the build runs to its end.
        log.info("received %s, stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    # Everything once (seeds, staging views, marts): the cycles then rebuild only the marts.
    started = time.monotonic()
    first = subprocess.run(dbt_command("build", "--quiet"), cwd=ROOT, env=env, capture_output=True, text=True)
    if first.returncode != 0:
        print(f"error: the first dbt build failed: {(first.stdout + first.stderr).strip()[-600:]}", file=sys.stderr)
        return 1
    log.info("first build (seeds, views, marts) in %.1f s", time.monotonic() - started)
    run_cycles(env, interval, busy_share, freshness_every, stop)
    log.info("stopped")
    return 0


def run_cycles(env: dict[str, str], interval: float, busy_share: float, freshness_every: int,
               stop: threading.Event) -> None:
    """The cycles: every `interval` seconds (or, when a cycle takes long, after a rest: `rest_after`) a `dbt
    build` of the live marts, and every `freshness_every` cycles the freshness check;
    until `stop` is set."""
    cycle = 0
    while not stop.is_set():
        cycle += 1
        status, seconds, output = run_cycle(env)
        ok = status == 0
        if not ok and (stop.is_set() or (status < 0 and stop.wait(STOP_GRACE_SECONDS))):
            # dbt stopped with the loop (the signal went to the whole process group): not a failure.
            log.info("cycle %d stopped with the loop after %.1f s", cycle, seconds)
            break
        if ok:
            log.info("cycle %d built the live marts in %.1f s", cycle, seconds)
        else:
            # A failed cycle (a test failing, the database restarting) is retried next time.
            log.error("cycle %d failed after %.1f s: %s", cycle, seconds, output)
        if freshness_due(cycle, freshness_every):
            # A max(landed_at) per table, but dbt starting and parsing takes 5-15 s on 2 cores: hence every N cycles.
            started = time.monotonic()
            try:
                rows = check_freshness(env)
                log.info("cycle %d checked freshness in %.1f s: %s", cycle, time.monotonic() - started,
                         ", ".join(f"{row['source_table']} {row['status']}" for row in rows))
            except FreshnessCheckError as error:
                log.error("cycle %d: %s", cycle, error)
            seconds += time.monotonic() - started
        stop.wait(rest_after(seconds, interval, busy_share))
    log.info("stopped after %d cycles", cycle)


if __name__ == "__main__":
    sys.exit(main())
