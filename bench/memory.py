"""Peak resident memory of each stack process, sampled from /proc while the benchmarks run.

Services are found by the stack's pid files (Kafka broker, PostgreSQL postmaster and its
backends, Superset); the pipeline's processes (the landing job's Python driver and Spark's
JVM, dbt, the replay) as descendants of this process, by their command line. Each group's
figure is the peak of the sum over its processes; the baseline is the group at rest, sampled
before any load. PSS (shared pages split between the processes that map them) is given too,
because PostgreSQL's backends all map the same shared buffers.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path

from stack.process import children_by_parent, descendants, parents_by_child, process_memory_mb

GROUPS = ("kafka broker", "postgresql", "spark driver jvm", "landing job python", "dbt", "replay", "superset", "bench")


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text()
    except OSError:
        return None


def _cmdline(pid: int) -> str:
    raw = _read(f"/proc/{pid}/cmdline")
    return raw.replace("\0", " ") if raw else ""


def classify(cmdline: str) -> str | None:
    """Which group a descendant of the benchmark belongs to, by its command line."""
    if not cmdline:
        return None
    argv = cmdline.split(" ")
    if argv[0].endswith("java") and "spark" in cmdline:
        return "spark driver jvm"
    if " -m streaming" in cmdline:
        return "landing job python"
    # dbt's console script runs as `python .../bin/dbt build ...`.
    if "transform_loop" in cmdline or any(arg.endswith("/dbt") for arg in argv[:2]):
        return "dbt"
    if " -m ingest" in cmdline:
        return "replay"
    return None


def usage_mb(pid: int) -> tuple[float, float] | None:
    """(RSS, PSS) of a process in MiB; PSS falls back to RSS where smaps_rollup is not readable."""
    status = _read(f"/proc/{pid}/status")
    if status is None:
        return None
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0) / 1024
    return rss, process_memory_mb(pid) or rss


def service_pids() -> dict[str, set[int]]:
    """The stack's services by their pid files (only ours: see stack.process.read_pid)."""
    from stack import kafka, postgres, superset

    children = children_by_parent()
    groups: dict[str, set[int]] = defaultdict(set)
    if (broker := kafka.pid()) is not None:
        groups["kafka broker"] = {broker} | descendants(broker, children)
    if (postmaster := postgres.pid()) is not None:
        groups["postgresql"] = {postmaster} | descendants(postmaster, children)
    if (superset_pid := superset.pid()) is not None:
        groups["superset"] = {superset_pid} | descendants(superset_pid, children)
    me = os.getpid()
    groups["bench"] = {me}
    parents = parents_by_child(children)
    unclassified = []
    for pid in descendants(me, children):
        command = _cmdline(pid)
        if command and command == _cmdline(parents.get(pid, 0)):
            # A fork about to run another program (the Spark JVM runs chmod and readlink on its checkpoint
            # files): it still reads as its parent and maps the parent's memory, which would count twice.
            continue
        group = classify(command)
        if group:
            groups[group].add(pid)
        else:
            unclassified.append(pid)
    # The workers of a replay at speed 0 run under multiprocessing's own command line.
    groups["replay"] |= {pid for pid in unclassified if parents.get(pid) in groups["replay"]}
    return groups


class MemorySampler(threading.Thread):
    """Samples every group once per `interval` seconds until stopped; keeps rest and peak values."""

    def __init__(self, interval: float = 1.0) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.interval = interval
        self.halt = threading.Event()
        self.rest: dict[str, tuple[float, float]] = {}
        self.peak: dict[str, dict[str, float]] = {}
        self.samples = 0
        self.lock = threading.Lock()

    def sample(self) -> None:
        totals: dict[str, list[float]] = {}
        for group, pids in service_pids().items():
            rss = pss = 0.0
            for pid in pids:
                usage = usage_mb(pid)
                if usage:
                    rss, pss = rss + usage[0], pss + usage[1]
            if rss:
                totals[group] = [rss, pss, len(pids)]
        with self.lock:
            for group, (rss, pss, processes) in totals.items():
                if not self.samples:
                    self.rest[group] = (rss, pss)
                peak = self.peak.setdefault(group, {"rss_mb": 0.0, "pss_mb": 0.0, "processes": 0})
                peak["rss_mb"] = max(peak["rss_mb"], rss)
                peak["pss_mb"] = max(peak["pss_mb"], pss)
                peak["processes"] = max(peak["processes"], processes)
            self.samples += 1

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.interval)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=10)
