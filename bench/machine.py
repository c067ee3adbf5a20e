"""What the figures were measured on: cores, memory, load, versions of every component, the commit."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import ROOT

PACKAGES = ("pyspark", "confluent-kafka", "dbt-core", "dbt-postgres", "psycopg2-binary", "pyarrow", "jsonschema")


def _meminfo_mb() -> dict[str, float]:
    values = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("MemTotal", "MemAvailable"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def _run(command: list[str]) -> str:
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip()


def _package(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _kafka_version() -> str | None:
    # The broker's jars come from Maven Central with the version in their names.
    from stack.kafka import JARS_DIR

    for jar in sorted(Path(JARS_DIR).glob("kafka-server-[0-9]*.jar")):
        return jar.stem.removeprefix("kafka-server-")
    return None


def git_commit() -> dict[str, Any]:
    commit = _run(["git", "rev-parse", "HEAD"])
    dirty = bool(_run(["git", "status", "--porcelain", "--untracked-files=no"]))
    return {"commit": commit or None, "branch": _run(["git", "rev-parse", "--abbrev-ref", "HEAD"]) or None,
            "uncommitted_changes": dirty}


def describe(pg_conn) -> dict[str, Any]:
    """The machine and the versions, at the start of a run."""
    import confluent_kafka

    memory = _meminfo_mb()
    with pg_conn.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "hostname": platform.node(),
        "cores": os.cpu_count(),
        "ram_mb": round(memory.get("MemTotal", 0)),
        "ram_available_mb_at_start": round(memory.get("MemAvailable", 0)),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "java": _run(["java", "-version"]).splitlines()[0] if _run(["java", "-version"]) else None,
        "kafka_broker": _kafka_version(),
        "librdkafka": confluent_kafka.libversion()[0],
        "postgresql": postgres,
        "packages": {name: _package(name) for name in PACKAGES},
        "git": git_commit(),
    }
