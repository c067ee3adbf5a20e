"""Cluster mode: the landing job runs against a Spark standalone master and worker started from
pyspark's own distribution on the loopback interface, and lands a real match exactly once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline import source_counts

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.slow]

MATCH = 7525  # Russia 5-0 Saudi Arabia, World Cup 2018


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, ready, process: subprocess.Popen, log: Path, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                state = json.load(response)
            if ready(state):
                return state
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} not ready after {timeout} s: {log.read_text()[-3000:]}")


class Daemon:
    """A Spark daemon (master or worker) run by pyspark's bin/spark-class, in its own process group."""

    def __init__(self, spark_home: Path, env: dict, log: Path, *args: str) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(spark_home / "bin" / "spark-class"), *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@pytest.fixture
def standalone_cluster(tmp_path):
    """A master and one worker (1 core, 1 GB) on 127.0.0.1; both stopped afterwards."""
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    env = {
        **os.environ,
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp_path),
        "PYSPARK_PYTHON": sys.executable,
    }
    port, ui = free_port(), free_port()
    master = Daemon(spark_home, env, tmp_path / "master.log", "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui))
    daemons = [master]
    try:
        state_url = f"http://127.0.0.1:{ui}/json/"
        wait_for(state_url, lambda s: s.get("status") == "ALIVE", master.process, master.log)
        worker = Daemon(spark_home, env, tmp_path / "worker.log", "org.apache.spark.deploy.worker.Worker",
                        f"spark://127.0.0.1:{port}", "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                        "--webui-port", str(free_port()), "--work-dir", str(tmp_path / "work"))
        daemons.append(worker)
        wait_for(state_url, lambda s: len(s.get("workers", [])) == 1 and s["workers"][0]["state"] == "ALIVE", worker.process, worker.log)
        yield {"url": f"spark://127.0.0.1:{port}", "state_url": state_url, "env": env}
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
    assert all(d.process.poll() is not None for d in daemons), "a Spark daemon outlived the test"


def test_the_job_runs_on_a_standalone_cluster_and_lands_a_real_match_once(pipeline, standalone_cluster):
    pipeline.env.update(
        SPARK_LOCAL_IP="127.0.0.1",
        PYSPARK_PYTHON=sys.executable,
        SPARK_DRIVER_MEMORY="1g",
        SPARK_EXECUTOR_MEMORY="1g",
    )
    pipeline.replay([MATCH])
    process = pipeline.streaming("run", "--available-now", "--master", standalone_cluster["url"])
    assert process.wait(timeout=900) == 0, pipeline.log_tail()

    expected = source_counts([MATCH])
    assert pipeline.counts_per_match("match_events") == expected
    parquet = pipeline.parquet("match_events")
    assert parquet.num_rows == sum(expected.values()) == len(set(parquet.column("event_id").to_pylist()))
    # The application ran on the cluster's worker, not in a local master.
    with urllib.request.urlopen(standalone_cluster["state_url"], timeout=10) as response:
        state = json.load(response)
    apps = [app for app in state.get("completedapps", []) + state.get("activeapps", []) if app["name"] == "matchday-streaming"]
    assert [app["state"] for app in apps] == ["FINISHED"]
    assert state["workers"][0]["coresused"] == 0  # the executor is gone once the job exits
