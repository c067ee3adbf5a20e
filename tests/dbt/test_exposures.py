"""dbt's exposures name the Superset dashboards and what they read; they must follow the dashboards
(superset/build_assets.py: dashboard -> charts -> datasets), and the transform loop's selector
must be the live marts and the intermediate models tagged live (the tables they read)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from dbt_project.live_marts import live_marts, live_models

ROOT = Path(__file__).resolve().parents[2]
EXPOSURES = ROOT / "dbt_project" / "models" / "marts" / "exposures.yml"
sys.path.insert(0, str(ROOT / "superset"))

import build_assets  # noqa: E402


def dashboards_and_their_tables() -> dict[str, set[str]]:
    """slug -> {"marts.scoreboard", "streaming.dead_letter", ...}, from the dashboards' one source of
    truth, the builder (tests/superset/test_assets_match_the_builder.py keeps the imported assets equal)."""
    return {dashboard.slug: {f"{build_assets.DATASETS[chart.dataset]}.{chart.dataset}" for chart in dashboard.charts}
            | reads_match_names(dashboard) for dashboard in build_assets.DASHBOARDS}


def reads_match_names(dashboard) -> set[str]:
    """The scoreboard, where a chart shows the calculated column `match` (the match's name, looked
    up in marts.scoreboard) or the dashboard filters by it."""
    shows = any(build_assets.MATCH in query.get("columns", []) for chart in dashboard.charts for query in chart.queries)
    return {"marts.scoreboard"} if shows or dashboard.match_filter else set()


def exposures_and_their_tables() -> dict[str, set[str]]:
    """slug (from the URL) -> the same names, from ref('x') (schema marts) and source('s', 't')."""
    found = {}
    for exposure in yaml.safe_load(EXPOSURES.read_text())["exposures"]:
        slug = re.fullmatch(r"http://127\.0\.0\.1:8088/superset/dashboard/([a-z-]+)/", exposure["url"]).group(1)
        tables = set()
        for dependency in exposure["depends_on"]:
            if ref := re.fullmatch(r"ref\('(\w+)'\)", dependency):
                tables.add(f"marts.{ref.group(1)}")
            else:
                source, table = re.fullmatch(r"source\('(\w+)', '(\w+)'\)", dependency).groups()
                tables.add(f"{source}.{table}")
        found[slug] = tables
    return found


def test_every_dashboard_has_an_exposure_that_depends_on_what_its_charts_read():
    dashboards = dashboards_and_their_tables()
    assert {"live-scoreboard", "match-centre", "player-performance", "fantasy-live", "history", "pipeline-health"} <= set(dashboards)
    assert exposures_and_their_tables() == dashboards


def test_the_live_selector_builds_every_live_mart_and_no_seed(tmp_path):
    """`dbt ls --selector live` (what the transform loop builds) against the project's manifest: the
    models tagged live, no other, and among them every live mart."""
    env_file = {"POSTGRES_HOST": "localhost", "POSTGRES_PORT": "5432", "POSTGRES_DB": "matchday",
                "POSTGRES_USER": "matchday", "POSTGRES_PASSWORD": "unused"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "ls", "--selector", "live", "--quiet",
         "--output", "json", "--output-keys", "resource_type name",
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "DBT_PROFILES_DIR": str(ROOT / "dbt_project"), **env_file},
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    kinds = {node["resource_type"] for node in listed}
    models = {node["name"] for node in listed if node["resource_type"] == "model"}
    assert models == set(live_models())
    assert set(live_marts()) <= models and all(name.startswith("int_") for name in models - set(live_marts()))
    assert "test" in kinds and not kinds & {"seed", "unit_test"}
