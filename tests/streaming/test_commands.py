"""The command line: hot retention (purge) and one-sentence errors for misconfiguration."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline import ROOT


def streaming(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streaming", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.integration
def test_purge_deletes_hot_rows_older_than_the_retention_only(pipeline):
    assert streaming("migrate", env=pipeline.env).returncode == 0
    with pipeline.pg.cursor() as cursor:
        for event_id, age in (("old", "8 days"), ("recent", "6 days")):
            cursor.execute(
                f"INSERT INTO {pipeline.table('match_events')} (event_id, raw, kafka_topic, kafka_partition, kafka_offset, batch_id, landed_at)"
                " VALUES (%s, '{}', 't', 0, 0, 0, now() - %s::interval)",
                (event_id, age),
            )
    done = streaming("purge", "--days", "7", env=pipeline.env)
    assert done.returncode == 0, done.stderr
    assert pipeline.rows("SELECT event_id FROM {match_events}") == [("recent",)]
    assert "match_events 1" in done.stdout


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("SPARK_JARS_DIR", "/nonexistent/jars", "run `make up`"),
        ("STREAMING_WATERMARK", "ten minutes", "STREAMING_WATERMARK must look like"),
        ("STREAMING_STARTING_OFFSETS", "yesterday", "STREAMING_STARTING_OFFSETS must be"),
        ("CONTRACTS_DIR", "/nonexistent/contracts", "set CONTRACTS_DIR"),
    ],
)
def test_misconfiguration_fails_fast_with_one_sentence(setting, value, says):
    import os

    env = {**os.environ, setting: value, "PYTHONPATH": str(ROOT), "POSTGRES_PORT": "1"}
    done = streaming("run", "--available-now", env=env)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
