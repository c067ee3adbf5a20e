"""`make demo`: the whole pipeline on one real match, live.

The Spark landing job and the live dbt loop start in the background, the match is replayed
into Kafka at the chosen speed (a progress bar shows it), and when the final whistle has
landed the marts are built once more and the final scoreboard is printed. Everything keeps
running afterwards, for the dashboards; `make down` stops it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from ingest.errors import PostgresUnreachableError

from . import ROOT, StackError, envfile, pipeline, superset
from .cli import command
from .settings import Settings


def _landed(settings: Settings, match_id: str) -> int:
    import psycopg2

    try:
        conn = settings.postgres.connect(timeout=5)
    except PostgresUnreachableError:
        return -1
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM streaming.match_events WHERE match_id = %s", (match_id,))
            return cur.fetchone()[0]
    except psycopg2.Error:
        return -1  # the landing job has not created its tables yet
    finally:
        conn.close()


def wait_until_landed(settings: Settings, match_id: str, quiet_for: float = 15, timeout: float = 300) -> int:
    """Wait until the landing job has caught up with the replay: the match's row count stops growing."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = _landed(settings, match_id)
        if count != last:
            last, since = count, time.monotonic()
        elif count > 0 and time.monotonic() - since >= quiet_for:
            return count
        time.sleep(2)
    raise StackError(f"The landing job did not catch up within {timeout:.0f} s; see {pipeline.PIPELINE_DIR / 'streaming.log'}.")


def scoreboard(settings: Settings, match_id: str) -> str:
    try:
        conn = settings.postgres.connect(timeout=5)
    except PostgresUnreachableError as error:
        raise StackError(str(error)) from None
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT home_team, home_score, away_score, away_team, status, home_penalties, away_penalties "
                "FROM marts.scoreboard WHERE match_id = %s", (match_id,))
            row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        return f"{match_id}: not in marts.scoreboard"
    home, home_score, away_score, away, status, home_pens, away_pens = row
    shootout = f" ({home_pens}-{away_pens} on penalties)" if home_pens is not None else ""
    return f"{home} {home_score}-{away_score} {away}{shootout}, {status}"


@command("matchday demo", StackError)
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.demo", description=__doc__)
    parser.add_argument("--match-id", default="7576", help="bundled StatsBomb match to replay (default 7576)")
    parser.add_argument("--speed", default="60", help="match seconds per real second (default 60)")
    args = parser.parse_args(argv)
    envfile.load_defaults()  # as the Makefile does, for runs without make
    settings = Settings.from_env()
    for name in pipeline.COMMANDS:
        print(f"{name}: {pipeline.start(name)}", flush=True)
    print(f"Replaying StatsBomb match {args.match_id} at speed {args.speed} (Ctrl-C stops the replay) ...", flush=True)
    replay = subprocess.run([sys.executable, "-m", "ingest", "replay", "--match-ids", args.match_id,
                             "--speed", args.speed], cwd=ROOT)
    if replay.returncode != 0:
        return replay.returncode
    match_id = f"statsbomb:{args.match_id}"
    print("Waiting for the landing job to catch up ...", flush=True)
    count = wait_until_landed(settings, match_id)
    print(f"streaming.match_events holds {count} events of {match_id}.", flush=True)
    dbt = str(Path(sys.executable).parent / "dbt")
    build = subprocess.run([dbt, "build", "--quiet"], cwd=ROOT,
                           env=os.environ | {"DBT_PROFILES_DIR": str(ROOT / "dbt_project")})
    if build.returncode != 0:
        raise StackError("dbt build failed; run `make transform` to see why.")
    print(f"Final score: {scoreboard(settings, match_id)}")
    if (superset.VENV / "bin" / "superset").exists():
        print(superset.login_note(superset.SupersetSettings.from_env()))
    print("The landing job and the live dbt loop keep running for the dashboards; `make down` stops everything.")


if __name__ == "__main__":
    sys.exit(main())
