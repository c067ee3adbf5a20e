"""The pipeline's long-running processes (the Spark landing job, the live dbt loop, the alerts) run in the
background for the demo; `make down` stops them with the services and `make status` lists them."""

from __future__ import annotations

import sys

from . import ROOT, STACK_DIR
from .process import memory_text, read_pid, spawn, stop, tree_memory_mb

PIPELINE_DIR = STACK_DIR / "pipeline"

# name -> command line (run from the repository root with the project's virtualenv).
COMMANDS = {
    "streaming": [sys.executable, "-m", "streaming", "run"],
    "transform-loop": [sys.executable, "-m", "dbt_project.transform_loop"],
    # Goals, red cards, VAR and results to ALERTS_WEBHOOK_URL (or the log): the scoreboard's ticker.
    "alerts": [sys.executable, "-m", "streaming", "alerts"],
}


def _files(name: str):
    return PIPELINE_DIR / f"{name}.pid", PIPELINE_DIR / f"{name}.log"


def pid(name: str) -> int | None:
    pid_file, _ = _files(name)
    # The module and its command are on the command line of our process, and of nothing else that reuses the pid.
    return read_pid(pid_file, " ".join(COMMANDS[name][2:]))


def start(name: str) -> str:
    running = pid(name)
    if running:
        return f"already running (pid {running})"
    pid_file, log_file = _files(name)
    PIPELINE_DIR.mkdir(parents=True, exist_ok=True)
    started = spawn(COMMANDS[name], log_file, pid_file, cwd=ROOT)
    return f"started (pid {started}, log {log_file.relative_to(ROOT) if log_file.is_relative_to(ROOT) else log_file})"


def shutdown(name: str) -> str | None:
    running = pid(name)
    if not running:
        return None
    stop(running, name, timeout=60)
    _files(name)[0].unlink(missing_ok=True)
    return f"stopped (pid {running})"


def status_rows() -> list[dict]:
    rows = []
    for name in COMMANDS:
        running = pid(name)
        if running:
            # With its children: `streaming run` launches the Spark driver JVM, which holds most of its memory.
            memory = tree_memory_mb(running)
            rows.append({"service": name, "state": "running", "pid": str(running), "address": "-",
                         "memory": memory_text(memory), "memory_mb": memory, "problem": ""})
    return rows
