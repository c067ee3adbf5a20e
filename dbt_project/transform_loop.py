"""`python -m dbt_project.transform_loop`: builds the live marts every DBT_LOOP_INTERVAL seconds
(incrementally: only matches with newly landed rows are rebuilt), logs each cycle's duration,
and stops cleanly on SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import positive_number
from stack import envfile

ROOT = Path(__file__).resolve().parents[1]
# The marts that change while matches are played, as selectors.yml defines them (`dbt ls --selector live`).
LIVE_SELECTOR = "live"

log = logging.getLogger("dbt_project.transform_loop")


class TransformLoopError(Exception):
    """A setting of the loop is wrong; the message says what to set."""


def interval_from_env() -> float:
    try:
        return positive_number(os.environ.get("DBT_LOOP_INTERVAL", "30"), "DBT_LOOP_INTERVAL", float, "seconds")
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
    return dbt_command("build", "--quiet", "--selector", LIVE_SELECTOR, *extra)


def run_cycle(env: dict[str, str]) -> tuple[bool, float, str]:
    """One `dbt build` of the live marts; (succeeded, seconds, dbt's last lines)."""
    started = time.monotonic()
    done = subprocess.run(live_build(),
                          cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode == 0, time.monotonic() - started, (done.stdout + done.stderr).strip()[-600:]


def main() -> int:
    envfile.load_defaults()  # as the Makefile does, for runs without make
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        interval = interval_from_env()
        check_settings()
    except TransformLoopError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    env = {**os.environ, "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR") or str(ROOT / "dbt_project")}
    stop = threading.Event()

    def request_stop(signum, _frame):
        log.info("received %s, stopping after the current cycle", signal.Signals(signum).name)
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
    cycle = 0
    while not stop.is_set():
        cycle += 1
        ok, seconds, output = run_cycle(env)
        if ok:
            log.info("cycle %d built the live marts in %.1f s", cycle, seconds)
        else:
            # A failed cycle (a test failing, the database restarting) is retried next time.
            log.error("cycle %d failed after %.1f s: %s", cycle, seconds, output)
        stop.wait(max(0.0, interval - seconds))
    log.info("stopped after %d cycles", cycle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
