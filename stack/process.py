"""Start, find and stop the stack's own background processes, by pid file."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterable

from . import StackError


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child counts as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def read_pid(pid_file: Path, marker: str) -> int | None:
    """The pid in `pid_file` if that process is alive and its command line holds `marker`.

    The marker (a path inside .stack/) makes sure we never signal a process that merely
    reused the pid of one of ours.
    """
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if not alive(pid):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return pid if marker in cmdline else None


def process_memory_mb(pid: int) -> float | None:
    """Memory of one process in MiB: its PSS, or its VmRSS where /proc/<pid>/smaps_rollup cannot be read
    (a kernel before 4.14, or a process of another user); None when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, IndexError, ValueError):
        pass
    return None


def children_by_parent() -> dict[int, list[int]]:
    """Every process's children, from one pass over the parent pids of /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The command name (in parentheses) may itself hold ") ": the fields follow the last one.
                ppid = int((entry / "stat").read_text().rpartition(") ")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    return children


def parents_by_child(children: dict[int, list[int]]) -> dict[int, int]:
    """Each process's parent, from `children_by_parent()`."""
    return {kid: parent for parent, kids in children.items() for kid in kids}


def descendants(root: int, children: dict[int, list[int]]) -> set[int]:
    """Every process below `root` (children, their children...), from `children_by_parent()`."""
    found, pending = set(), [root]
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def tree_memory_mb(pid: int) -> float | None:
    """Memory in MiB of a process and all its descendants (the Spark JVM that the streaming job
    launches, PostgreSQL's backends, gunicorn's workers); None when the process is gone.

    It sums PSS (proportional set size), not RSS: a page shared by n processes counts 1/n in each, so
    the sum counts it once. Summed RSS counts PostgreSQL's shared buffers once per backend, and the
    copy-on-write pages of forked workers once per worker, which made PostgreSQL look four times its
    size. Where PSS cannot be read the process's VmRSS stands in (see process_memory_mb).
    """
    total, found = 0.0, False
    for current in {pid} | descendants(pid, children_by_parent()):
        memory = process_memory_mb(current)
        if memory is not None:
            total, found = total + memory, True
    return total if found else None


def memory_text(memory_mb: float | None) -> str:
    """The memory column of `python -m stack status`."""
    return f"{memory_mb:.0f} MiB" if memory_mb else "-"


def status_row(service: str, pid: int | None, healthy: bool, problem: str, address: str,
               memory_mb: float | None) -> dict:
    """One service's row of `python -m stack status`; `memory_mb` stays a number for the total row."""
    return {
        "service": service,
        "state": "healthy" if healthy else ("unhealthy" if pid else "down"),
        "problem": problem,
        "pid": str(pid or "-"),
        "address": address,
        "memory": memory_text(memory_mb),
        "memory_mb": memory_mb,
    }


def refuse_taken_ports(ports: Iterable[tuple[int, str]], hint: str = "") -> None:
    """A StackError if another process listens on one of `ports` (the port, the setting that moves
    it); `hint` ends the sentence (another way out)."""
    for port, setting in ports:
        if port_open("127.0.0.1", port):
            raise StackError(f"Port {port} is already taken by another process: stop it, or set {setting} "
                             f"to a free port in .env{hint}.")


def start_once(running: int | None, ports: Iterable[tuple[int, str]], launch: Callable[[], str], hint: str = "") -> str:
    """What `up` says of a service of ours: `already running` when it is (pid `running`), else what
    `launch()` says once `ports` are seen free (see refuse_taken_ports)."""
    if running:
        return f"already running (pid {running})"
    refuse_taken_ports(ports, hint)
    return launch()


def run_checked(command: list[str], failure: str, cwd: Path | None = None, keep: int = 2000) -> subprocess.CompletedProcess:
    """Run a setup command to its end; if it fails, a StackError of `failure` and the end of its output."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        raise StackError(f"{failure}:\n{result.stdout[-keep:]}{result.stderr[-keep:]}")
    return result


def spawn(command: list[str], log_file: Path, pid_file: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> int:
    """Start `command` detached from our session, output to `log_file`, pid to `pid_file`."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
            cwd=cwd,
        )
    pid_file.write_text(f"{proc.pid}\n")
    return proc.pid


def wait_for(check, what: str, timeout: float, pid: int | None = None, log_file: Path | None = None) -> None:
    """Poll `check()` until true; fail with the log's tail if the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if pid is not None and not alive(pid):
            raise StackError(f"{what} exited during start-up; see {log_file}:\n{tail(log_file)}")
        time.sleep(0.5)
    raise StackError(f"{what} did not become ready within {timeout:.0f} s; see {log_file}:\n{tail(log_file)}")


def tail(path: Path | None, lines: int = 15) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def shut_down(pid_file: Path, marker: str, what: str, timeout: float) -> str:
    """Stop our process of `pid_file` (see read_pid) and forget its pid: what `down` says of it."""
    running = read_pid(pid_file, marker)
    if not running:
        return "not running"
    stop(running, what, timeout=timeout)
    pid_file.unlink(missing_ok=True)
    return f"stopped (pid {running})"


def stop(pid: int, what: str, timeout: float = 30.0) -> None:
    """SIGTERM the process group, then SIGKILL it if it is still there after `timeout`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not alive(pid):
                return
            time.sleep(0.2)
    raise StackError(f"{what} (pid {pid}) did not stop; kill it by hand.")
