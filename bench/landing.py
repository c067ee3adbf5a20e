"""Figure 2: the Spark landing job (`python -m streaming run --available-now`) on the replayed
matches, rows/s into PostgreSQL + Parquet, next to a bare PostgreSQL COPY of the same rows into
tables of the same shape (columns, primary key, indexes)."""

from __future__ import annotations

import io
import re
import time
from collections import defaultdict
from pathlib import Path

import psycopg2.errors

from bench import BenchError
from bench.progress import Every, Progress
from bench.report import Figure
from bench.sandbox import Sandbox, stop

TITLE, UNIT, BASELINE = "2 landing Kafka -> PostgreSQL+Parquet", "rows/s", "COPY of the same rows"
TABLES = ("live_matches", "match_events", "player_live_stats", "team_live_stats")


def run_job(sandbox: Sandbox, expected: int, progress: Progress, timeout: float) -> float:
    """Seconds the job took, from the command to its exit (Spark's start-up included)."""
    started = time.monotonic()
    job = sandbox.landing_job(available_now=True)
    every = Every(20)
    try:
        while job.poll() is None:
            if time.monotonic() - started > timeout:
                raise BenchError(f"The landing job did not finish within {timeout:.0f} s: see {sandbox.work / 'streaming.log'}.")
            if every():
                landed = sum(_count_or_zero(sandbox, t) for t in TABLES)
                progress.say(f"  {landed:,} of {expected:,} rows landed")
            time.sleep(0.1)  # the job's end is seen within 0.1 s (it was 1 s: the figure took up to 1 s more)
    finally:
        stop(job)
    if job.returncode != 0:
        raise BenchError(f"The landing job failed ({sandbox.log_tail(lines=2)}): see {sandbox.work / 'streaming.log'}.")
    return time.monotonic() - started


def _count_or_zero(sandbox: Sandbox, table: str) -> int:
    try:
        return sandbox.count(table)
    except psycopg2.errors.UndefinedTable:  # the job creates its tables when it starts
        return 0


def copy_baseline(sandbox: Sandbox) -> tuple[int, float]:
    """COPY every landed row into empty tables shaped like the landed ones; (rows, seconds of the COPYs)."""
    dumps: dict[str, io.BytesIO] = {}
    with sandbox.pg.cursor() as cursor:
        for table in TABLES:
            dumps[table] = io.BytesIO()
            cursor.copy_expert(f"COPY {sandbox.table(table)} TO STDOUT", dumps[table])
            dumps[table].seek(0)
            cursor.execute(f"CREATE TABLE {sandbox.table('copy_' + table)} (LIKE {sandbox.table(table)} INCLUDING ALL)")
    conn = sandbox.pg
    conn.autocommit = False
    try:
        started = time.monotonic()
        with conn.cursor() as cursor:
            for table in TABLES:
                cursor.copy_expert(f"COPY {sandbox.table('copy_' + table)} FROM STDIN", dumps[table])
        conn.commit()
        seconds = time.monotonic() - started
    finally:
        conn.autocommit = True
    rows = sum(sandbox.count("copy_" + t) for t in TABLES)
    return rows, seconds


# The sinks' line per batch (streaming/sinks.py): "... landed: ...; validate 1.20 s, parquet 0.30 s, postgres 0.10 s".
BATCH_LINE = re.compile(r"^.* batch \d+ landed: [^;]*; (.*)$", re.M)


def sink_phases(log_text: str) -> dict[str, float]:
    """Seconds per phase of the landing batches, summed over every query's batches: where the job's
    time goes (`validate` and `read` include Spark computing the batch, since it is collected there)."""
    phases: dict[str, float] = defaultdict(float)
    for line in BATCH_LINE.finditer(log_text):
        for phase, seconds in re.findall(r"(\w+) ([\d.]+) s", line.group(1)):
            phases[phase] += float(seconds)
    return {phase: round(seconds, 2) for phase, seconds in phases.items()}


def parquet_summary(root: Path) -> dict:
    files = [p for p in root.rglob("*.parquet")] if root.exists() else []
    return {"parquet_files": len(files), "parquet_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1)}


def measure(sandbox: Sandbox, expected_messages: int, progress: Progress, timeout: float) -> Figure:
    with progress.step("2 land the replayed topics with Spark (--available-now)"):
        started = time.time()
        seconds = run_job(sandbox, expected_messages, progress, timeout)
    counts = {table: sandbox.count(table) for table in TABLES}
    dead = sandbox.count("dead_letter")
    landed = sum(counts.values())
    with progress.step(f"2 baseline: COPY the same {landed:,} rows into tables of the same shape"):
        copied, copy_seconds = copy_baseline(sandbox)
    if copied != landed:
        raise BenchError(f"COPY wrote {copied} of {landed} rows: check the PostgreSQL log.")
    with sandbox.pg.cursor() as cursor:
        # Spark's start-up is part of the figure (a backfill waits for it); say how large it was.
        cursor.execute(f"SELECT extract(epoch FROM min(landed_at)), extract(epoch FROM max(landed_at) - min(landed_at)) "
                       f"FROM {sandbox.table('landed_batches')}")
        first_batch, batches_span = cursor.fetchone()
    return Figure(
        key="landing_throughput", title=TITLE, unit=UNIT, value=landed / seconds,
        baseline_title=BASELINE, baseline=copied / copy_seconds, better="higher",
        details={"rows": counts, "rows_total": landed, "match_events_per_s": round(counts["match_events"] / seconds, 1),
                 "dead_letters": dead, "job_seconds": round(seconds, 2), "copy_seconds": round(copy_seconds, 3),
                 "messages_in_kafka": expected_messages,
                 "first_batch_landed_after_s": round(float(first_batch) - started, 2) if first_batch else None,
                 "first_to_last_batch_seconds": round(float(batches_span), 2) if batches_span else None,
                 "sink_phases_s": sink_phases((sandbox.work / "streaming.log").read_text(errors="replace")),
                 **parquet_summary(sandbox.work / "parquet")},
    )
