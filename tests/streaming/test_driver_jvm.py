"""The landing job's driver JVM, as `python -m streaming run` starts it: a backfill's
(`--available-now`) compiles with C1 only (streaming.job.BACKFILL_DRIVER_JAVA_OPTIONS), a
continuous job's with both compilers, both map Spark's classes from the class archive made for
their Java and pyspark (streaming/class_archive.py), and SPARK_CONF_FILE's driver options replace
ours. Read from the running JVM's own arguments and HotSpot's log of the classes it loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from streaming import class_archive

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
    assert "-Dmatchday.own=1" in own and not [a for a in own if a.startswith(("-XX:TieredStopAtLevel", "-XX:SharedArchiveFile"))]


def loaded_from(log: Path, name: str) -> str:
    """Where the JVM loaded class `name` from, by its class+load log."""
    lines = [line for line in log.read_text().splitlines() if f" {name} source: " in line]
    assert lines, f"{name} is not in {log}"
    return lines[0].split(" source: ", 1)[1]


@pytest.mark.spark
def test_the_driver_maps_spark_from_the_class_archive_made_for_its_java_and_pyspark(tmp_path):
    archive = tmp_path / "classes.jsa"
    env = {"SPARK_CLASS_ARCHIVE": str(archive)}
    made = subprocess.run([sys.executable, "-m", "streaming", "class-archive"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, timeout=600)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    assert archive.is_file() and (tmp_path / "classes.jsa.key").is_file()

    # HotSpot's own log of each class it loads names its source: the archive, or a jar.
    mapped = tmp_path / "mapped.log"
    arguments = jvm_arguments("continuous", **env, JAVA_TOOL_OPTIONS=f"-Xlog:class+load=info:file={mapped}")
    assert f"-XX:SharedArchiveFile={archive}" in arguments
    assert loaded_from(mapped, "org.apache.spark.SparkContext") == "shared objects file (top)"

    # Made for another Java or pyspark (its key differs): the driver starts without it, from the jars.
    (tmp_path / "classes.jsa.key").write_text('{"java": "another"}')
    read = tmp_path / "read.log"
    arguments = jvm_arguments("backfill", **env, JAVA_TOOL_OPTIONS=f"-Xlog:class+load=info:file={read}")
    assert not [a for a in arguments if a.startswith("-XX:SharedArchiveFile")]
    assert "spark-core" in loaded_from(read, "org.apache.spark.SparkContext")

    # SPARK_CLASS_ARCHIVE=off: none, even a usable one.
    (tmp_path / "classes.jsa.key").write_text(class_archive.key())
    assert not [a for a in jvm_arguments("continuous", SPARK_CLASS_ARCHIVE="off") if a.startswith("-XX:SharedArchiveFile")]
