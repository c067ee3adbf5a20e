"""The dbt targets need PostgreSQL only: an analyst's `make transform` must not install Superset,
fetch jars or start Kafka (what `make up` does). Read from make's own dry run (`make -n`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(target: str) -> list[str]:
    done = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [line.rstrip() for line in done.stdout.splitlines()]


@pytest.mark.parametrize("target", ["transform", "transform-loop", "evaluate"])
def test_a_dbt_target_starts_postgresql_and_nothing_else(target):
    commands = dry_run(target)
    assert any(line.endswith("-m stack up --postgres-only") for line in commands), commands
    assert not [line for line in commands if line.endswith("-m stack up") or "superset" in line], commands


def test_make_up_still_starts_the_whole_stack():
    assert any(line.endswith("-m stack up") for line in dry_run("up"))
