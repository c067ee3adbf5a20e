"""The landing job's driver JVM, as `python -m streaming run` starts it: a backfill's
(`--available-now`) compiles with C1 only (streaming.job.BACKFILL_DRIVER_JAVA_OPTIONS), a
continuous job's with both compilers, and SPARK_CONF_FILE's driver options replace ours. Read from
the running JVM's own arguments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SHOW_ARGUMENTS = """
import json, sys
from streaming.job import spark_session
from streaming.settings import Settings
spark = spark_session(Settings.from_env(), backfill=sys.argv[1] == "backfill")
bean = spark._jvm.java.lang.management.ManagementFactory.getRuntimeMXBean()
print(json.dumps(list(bean.getInputArguments())))
spark.stop()
"""


def jvm_arguments(kind: str, **env: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SHOW_ARGUMENTS, kind], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.spark
def test_a_backfills_driver_compiles_with_c1_only_and_a_continuous_jobs_with_both(tmp_path):
    assert "-XX:TieredStopAtLevel=1" in jvm_arguments("backfill")
    assert not [a for a in jvm_arguments("continuous") if a.startswith("-XX:TieredStopAtLevel")]
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("spark.driver.extraJavaOptions -Dmatchday.own=1\n")
    own = jvm_arguments("backfill", SPARK_CONF_FILE=str(conf))
    assert "-Dmatchday.own=1" in own and not [a for a in own if a.startswith("-XX:TieredStopAtLevel")]
