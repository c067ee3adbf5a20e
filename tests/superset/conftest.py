"""Superset of the stack (started at most once per session), its REST API, and real matches in the marts.

The dashboards read the pipeline's real tables (marts.*, streaming.*), so the matches are
replayed into the stack's own topics and tables; replaying a match again changes nothing
(events are deduplicated by id), so this is safe next to `make demo`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "superset"))

from dbt_project.transform_loop import check_freshness  # noqa: E402
from stack import superset as superset_stack  # noqa: E402
from stack.settings import Settings  # noqa: E402
from superset_api import SupersetApi  # noqa: E402

# Real matches bundled with ingest/ (StatsBomb open data), with their official results.
PORTUGAL_SPAIN = "7576"  # World Cup 2018: Portugal 3-3 Spain
ARGENTINA_ECUADOR = "3942228"  # Copa America 2024 quarter-final: Argentina 1-1 Ecuador, 4-2 on penalties
MATCHES = (PORTUGAL_SPAIN, ARGENTINA_ECUADOR)
DASHBOARDS = {
    "live-scoreboard": "Live scoreboard",
    "match-centre": "Match centre",
    "player-performance": "Player performance",
    "fantasy-live": "Fantasy live",
    "history": "History",
    "pipeline-health": "Pipeline health",
}


@pytest.fixture(scope="session")
def expected_dashboards() -> dict[str, str]:
    """Slug -> title of the dashboards the issue asks for."""
    return DASHBOARDS


@pytest.fixture(scope="session")
def superset_settings() -> superset_stack.SupersetSettings:
    return superset_stack.SupersetSettings.from_env()


@pytest.fixture(scope="session")
def superset(superset_settings):
    """The stack's Superset: `make up` has started it; a session without it starts it once."""
    try:
        superset_stack.start(superset_settings, Settings.from_env().postgres)
    except superset_stack.StackError as exc:
        pytest.fail(str(exc))
    return superset_settings


@pytest.fixture(scope="session")
def api(superset) -> SupersetApi:
    return SupersetApi(superset.url, superset.admin_user, superset.admin_password)


def _finished(pg_settings) -> set[str]:
    with psycopg2.connect(connect_timeout=10, **pg_settings) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('marts.fantasy_points') IS NOT NULL")
        if not cur.fetchone()[0]:
            return set()
        cur.execute("SELECT match_id FROM marts.scoreboard WHERE status = 'FINISHED'")
        return {row[0] for row in cur.fetchall()}


def _run(*command: str) -> None:
    env = os.environ | {"DBT_PROFILES_DIR": str(ROOT / "dbt_project"), "PYTHONPATH": str(ROOT),
                        "SPARK_MASTER": os.environ.get("TEST_SPARK_MASTER", "local[2]")}
    result = subprocess.run(list(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{(result.stdout + result.stderr)[-3000:]}")


@pytest.fixture(scope="session")
def landed_matches(pg_settings) -> tuple[str, ...]:
    """Portugal-Spain and Argentina-Ecuador replayed, landed and modelled: replay -> streaming -> dbt build,
    the alerts read (the Live scoreboard's ticker lists them), then the transform loop's freshness check
    (the Pipeline health's Source freshness reads it)."""
    landed = {m.split(":")[-1] for m in _finished(pg_settings)}
    if not set(MATCHES) <= landed:
        _run(sys.executable, "-m", "ingest", "replay", "--match-ids", ",".join(MATCHES), "--speed", "0", "--quiet")
        _run(sys.executable, "-m", "streaming", "run", "--available-now")
        _run(str(Path(sys.executable).parent / "dbt"), "build", "--quiet")
        landed = {m.split(":")[-1] for m in _finished(pg_settings)}
        if not set(MATCHES) <= landed:
            pytest.fail(f"After replay, streaming and dbt build, marts.scoreboard has finished matches {sorted(landed)}, "
                        f"not {list(MATCHES)}.")
    # Logged, not posted anywhere: the ticker lists what went out either way.
    _run(sys.executable, "-m", "streaming", "alerts", "--until-idle", "5")
    check_freshness(os.environ | {"DBT_PROFILES_DIR": str(ROOT / "dbt_project")})
    return MATCHES
