"""`stack status` counts a service's memory over all its descendants (the streaming job's Spark JVM is
its child), and its last row is the total of the stack."""

import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from stack.process import process_memory_mb, tree_memory_mb

ROOT = Path(__file__).resolve().parents[2]

# A script run with a depth: above 0 it runs itself one level deeper and waits; at 0 it takes 150 MiB,
# writes to every page of it (untouched pages take no memory), says so and sleeps.
DESCEND = """
import subprocess, sys, time
depth = int(sys.argv[1])
if depth:
    subprocess.run([sys.executable, __file__, str(depth - 1)])
else:
    block = bytearray(150 * 2**20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    print("allocated", flush=True)
    time.sleep(600)
"""


def first_line(process: subprocess.Popen, timeout: float = 60) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(timeout=timeout), f"nothing on stdout within {timeout:.0f} s"
    return process.stdout.readline()


def test_a_process_counts_the_memory_of_its_grandchild(tmp_path):
    script = tmp_path / "descend.py"
    script.write_text(DESCEND)
    # parent -> child -> grandchild, which holds the 150 MiB; all three write to the parent's stdout pipe.
    parent = subprocess.Popen([sys.executable, str(script), "2"], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        assert first_line(parent) == "allocated\n"
        own = process_memory_mb(parent.pid)
        assert own is not None and own < 60
        assert tree_memory_mb(parent.pid) >= 140
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()


# Takes 150 MiB, writes to every page, forks: parent and child share those pages until one writes.
FORK = """
import os, time
block = bytearray(150 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
if os.fork():
    print("forked", flush=True)
time.sleep(600)
"""


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


def test_memory_shared_by_a_parent_and_its_child_counts_once(tmp_path):
    script = tmp_path / "fork.py"
    script.write_text(FORK)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert first_line(parent) == "forked\n"
        child = int(Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()[0])
        # RSS counts the 150 MiB in each; PSS gives each half of it.
        assert rss_mb(parent.pid) + rss_mb(child) >= 290
        assert 140 <= tree_memory_mb(parent.pid) < 200
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()


def test_a_gone_process_has_no_memory():
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert tree_memory_mb(gone.pid) is None


def table(stdout: str) -> list[tuple[str, float]]:
    """(service, MiB) of each row of the status table; '-' is 0."""
    lines = stdout.splitlines()
    memory_at = lines[0].index("MEMORY")
    rows = []
    for line in lines[1:]:
        if line.split()[0].endswith(":"):
            break  # the problems under the table ("kafka: Cannot reach ...")
        memory = line[memory_at:].strip()
        rows.append((line.split()[0], 0.0 if memory == "-" else float(memory.removesuffix(" MiB"))))
    return rows


@pytest.mark.integration
def test_the_last_row_is_the_total_of_the_others():
    result = subprocess.run([sys.executable, "-m", "stack", "status"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    rows = table(result.stdout)
    services, total = rows[:-1], rows[-1]
    assert total[0] == "total", result.stdout
    assert "total" not in [service for service, _ in services]
    assert {"kafka", "postgres"} <= {service for service, _ in services}
    # Each row is rounded to a whole MiB, and the total (of the unrounded values) too.
    assert abs(total[1] - sum(memory for _, memory in services)) <= 0.5 * (len(services) + 1), result.stdout
