"""Enforced model contracts on the marts the dashboards read: every such mart declares its columns and
their PostgreSQL types in marts.yml, and a mart whose SQL disagrees with them fails the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from dbt_project.evaluate.landing import create_tables
from dbt_project.live_marts import MARTS_YML
from tests.dbt_run import drop_built

ROOT = Path(__file__).resolve().parents[2]
EXPOSURES = ROOT / "dbt_project" / "models" / "marts" / "exposures.yml"
# What dbt's contracts accept on an incremental model (a contract with the default, ignore, is refused).
CONTRACT_SCHEMA_CHANGES = {"append_new_columns", "fail"}


def marts_the_dashboards_read() -> set[str]:
    return {ref.group(1) for exposure in yaml.safe_load(EXPOSURES.read_text())["exposures"]
            for dependency in exposure["depends_on"] if (ref := re.fullmatch(r"ref\('(\w+)'\)", dependency))}


def test_every_mart_a_dashboard_reads_has_an_enforced_contract_with_a_type_per_column():
    models = {model["name"]: model for model in yaml.safe_load(MARTS_YML.read_text())["models"]}
    read = marts_the_dashboards_read()
    assert read and read <= models.keys()
    for name in sorted(read):
        config = models[name].get("config") or {}
        assert (config.get("contract") or {}).get("enforced") is True, f"{name} has no enforced contract"
        if (ROOT / "dbt_project" / "models" / "marts" / f"{name}.sql").read_text().count("materialized='incremental'"):
            assert config.get("on_schema_change") in CONTRACT_SCHEMA_CHANGES, name
        untyped = [column["name"] for column in models[name]["columns"] if not column.get("data_type")]
        assert not untyped, f"{name}: columns without data_type: {untyped}"


def _dbt(project: Path, prefix: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STREAMING_TABLE_PREFIX": prefix, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    return subprocess.run([str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(project)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)


def _project_copy(destination: Path) -> Path:
    """The dbt project (dbt_project.yml, selectors.yml and what they point at), copied so a test may edit it."""
    shutil.copy(ROOT / "dbt_project.yml", destination / "dbt_project.yml")
    shutil.copy(ROOT / "selectors.yml", destination / "selectors.yml")
    shutil.copytree(ROOT / "dbt_project", destination / "dbt_project",
                    ignore=shutil.ignore_patterns("__pycache__", "evaluate", "fitting", "*.py"))
    return destination


def test_a_mart_whose_column_type_disagrees_with_its_contract_fails_the_build(pg_conn, dbt_seeds, tmp_path):
    """scoreboard builds as it is; declared with home_score as text (PostgreSQL makes a bigint) it is refused
    before any row is written, naming the column."""
    project = _project_copy(tmp_path)
    prefix = f"c{uuid.uuid4().hex[:8]}_"
    create_tables(pg_conn, prefix)
    try:
        built = _dbt(project, prefix, "run", "--select", "+scoreboard", "--exclude", "resource_type:seed")
        assert built.returncode == 0, built.stdout[-3000:]
        marts_yml = project / "dbt_project" / "models" / "marts" / "marts.yml"
        declared = marts_yml.read_text()
        changed = re.sub(r"(- name: home_score\n\s+data_type: )bigint", r"\1text", declared, count=1)
        assert changed != declared
        marts_yml.write_text(changed)
        refused = _dbt(project, prefix, "run", "--select", "scoreboard")
        output = refused.stdout + refused.stderr
        assert refused.returncode != 0, output[-3000:]
        assert "contract" in output.lower() and "home_score" in output, output[-3000:]
    finally:
        drop_built(pg_conn, prefix, ["scoreboard"])
