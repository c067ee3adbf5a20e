"""Topics, table prefix, checkpoints and Parquet root of one benchmark only, so nothing it does
touches the live topics and tables (or another run's); removed at the end."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from confluent_kafka.admin import AdminClient, NewTopic

from bench import ROOT, BenchError

LOGICAL = ("live_matches", "match_events", "player_live_stats", "team_live_stats", "dead_letters")
QUERIES = ("land-live_matches", "land-match_events", "land-player_live_stats", "land-team_live_stats",
           "land-dead_letters")
SCHEMAS = ("streaming", "staging", "marts")


class Sandbox:
    def __init__(self, name: str, admin: AdminClient, pg_conn, work: Path, partitions: int) -> None:
        run = uuid.uuid4().hex[:6]
        self.name = name
        self.admin = admin
        self.pg = pg_conn
        self.work = work / name
        self.partitions = partitions
        self.topics = {logical: f"bench-{run}-{name}-{logical.replace('_', '-')}" for logical in LOGICAL}
        self.prefix = f"bench_{run}_{name[:8]}_"
        self.env = {
            **os.environ,
            **{f"KAFKA_TOPIC_{logical.upper()}": topic for logical, topic in self.topics.items()},
            "STREAMING_TABLE_PREFIX": self.prefix,
            "STREAMING_CHECKPOINT_DIR": str(self.work / "checkpoints"),
            "STREAMING_PARQUET_ROOT": str(self.work / "parquet"),
            "STREAMING_STARTING_OFFSETS": "earliest",
            "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR") or str(ROOT / "dbt_project"),
            "PYTHONPATH": str(ROOT),
        }
        self.created: list[str] = []

    def create_topics(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        new = [NewTopic(topic, 1 if logical == "dead_letters" else self.partitions, 1) for logical, topic in self.topics.items()]
        for topic, future in self.admin.create_topics(new).items():
            future.result(timeout=30)
            self.created.append(topic)

    def replay_command(self, folder: Path, match_ids: list[int], speed: float) -> list[str]:
        topics = [f"--topic-{logical.replace('_', '-')}={topic}" for logical, topic in self.topics.items()]
        return [sys.executable, "-m", "ingest", "replay", str(folder), "--match-ids", ",".join(map(str, match_ids)),
                "--speed", str(speed), "--quiet", *topics]

    def landing_job(self, available_now: bool) -> subprocess.Popen:
        """`python -m streaming run` on this sandbox; its log is a file (a full pipe would block it)."""
        with (self.work / "streaming.log").open("a") as log:
            return subprocess.Popen([sys.executable, "-m", "streaming", "run", *(["--available-now"] if available_now else [])],
                                    env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True)

    def log_tail(self, name: str = "streaming.log", lines: int = 5) -> str:
        path = self.work / name
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:]) if path.exists() else ""

    def wait_until_streaming(self, job: subprocess.Popen, timeout: float = 600) -> None:
        """A continuous landing job is ready when every query has written its checkpoint's metadata."""
        deadline = time.monotonic() + timeout
        while not all((self.work / "checkpoints" / query / "metadata").exists() for query in QUERIES):
            if job.poll() is not None:
                raise BenchError(f"The landing job stopped at start-up ({self.log_tail()}): see {self.work / 'streaming.log'}.")
            if time.monotonic() > deadline:
                raise BenchError(f"The landing job did not start within {timeout:.0f} s: see {self.work / 'streaming.log'}.")
            time.sleep(1)

    def table(self, name: str, schema: str = "streaming") -> str:
        return f'{schema}."{self.prefix}{name}"'

    def count(self, name: str) -> int:
        with self.pg.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.table(name)}")
            return cursor.fetchone()[0]

    def cleanup(self, keep_files: bool = False) -> None:
        """Drop the sandbox's relations (streaming tables, dbt's views and marts) and topics."""
        with self.pg.cursor() as cursor:
            for schema in SCHEMAS:
                cursor.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = %s AND c.relname LIKE %s AND c.relkind IN ('r', 'v', 'm')",
                               (schema, self.prefix.replace("_", r"\_") + "%"))
                for name, kind in cursor.fetchall():
                    what = "VIEW" if kind == "v" else "MATERIALIZED VIEW" if kind == "m" else "TABLE"
                    cursor.execute(f'DROP {what} IF EXISTS {schema}."{name}" CASCADE')
        if self.created:
            for future in self.admin.delete_topics(self.created).values():
                try:
                    future.result(timeout=30)
                except Exception:  # noqa: BLE001 - a topic already gone is fine
                    pass
            self.created = []
        if not keep_files:
            shutil.rmtree(self.work, ignore_errors=True)


def stop(process: subprocess.Popen | None, timeout: float = 90) -> None:
    """Stop a process started in its own session (the landing job and its JVM, the dbt loop), and wait
    until every process of the session is gone: the landing job's JVM outlives its Python by seconds,
    and a next step's JVM starting meanwhile would count both in the memory figures."""
    if process is None:
        return
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    deadline, killed = time.monotonic() + timeout, False
    while session_alive(process.pid):
        if time.monotonic() > deadline:
            if killed:
                raise BenchError(f"Processes of session {process.pid} outlived SIGKILL by 30 s: see `ps -s {process.pid}`.")
            os.killpg(process.pid, signal.SIGKILL)
            deadline, killed = time.monotonic() + 30, True
        time.sleep(0.2)


def session_alive(session: int) -> bool:
    """Whether a process of the session (= process group) `session` still runs."""
    try:
        os.killpg(session, 0)
    except ProcessLookupError:
        return False
    return True
