"""A local Confluent-compatible Schema Registry (Apicurio Registry, in memory): built once from
Maven Central by stack/maven/schema-registry/pom.xml, started and stopped by pid file. The
producers use it when SCHEMA_REGISTRY_URL points at it (http://localhost:<port>/apis/ccompat/v7)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import requests

from . import ROOT, STACK_DIR, StackError
from .kafka import java
from .process import read_pid, run_checked, shut_down, spawn, start_once, wait_for
from .settings import LOCAL_HOSTS

REGISTRY_DIR = STACK_DIR / "schema-registry"
POM = ROOT / "stack" / "maven" / "schema-registry" / "pom.xml"
RUNNER = REGISTRY_DIR / "build" / "schema-registry-2.4.2.Final-runner.jar"
PID_FILE = REGISTRY_DIR / "registry.pid"
LOG_FILE = REGISTRY_DIR / "registry.log"
# Part of the registry's command line; identifies our process (see process.read_pid).
MARKER = str(RUNNER)
# The Confluent-compatible API of Apicurio Registry 2.x.
CCOMPAT_PATH = "/apis/ccompat/v7"


def local_port(url: str) -> int | None:
    """The port of SCHEMA_REGISTRY_URL when it names this machine (the stack then runs the registry), else None."""
    parts = urlsplit(url)
    if not url or parts.hostname not in LOCAL_HOSTS:
        return None
    return parts.port or 80


def build() -> Path:
    """The registry's runnable jar, built with Maven on first use (a few minutes, then cached)."""
    if RUNNER.exists():
        return RUNNER
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven is needed to build the schema registry: install it (apt-get install maven).")
    print("Building the schema registry (Apicurio Registry) from Maven Central ...", flush=True)
    run_checked([mvn, "-q", "-B", "-f", str(POM), f"-Dstack.dir={STACK_DIR}", "package"],
                "Maven could not build the schema registry")
    return RUNNER


def pid() -> int | None:
    return read_pid(PID_FILE, MARKER)


def healthy(port: int, timeout: float = 2) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}{CCOMPAT_PATH}/subjects", timeout=timeout).ok
    except requests.RequestException:
        return False


def start(url: str) -> str:
    port = local_port(url)
    if port is None:
        return f"using the schema registry at {url} (not local: none started)" if url else "not configured (SCHEMA_REGISTRY_URL is empty)"
    return start_once(pid(), [(port, "SCHEMA_REGISTRY_URL's port")], lambda: _launch(port))


def _launch(port: int) -> str:
    runner = build()
    REGISTRY_DIR.mkdir(parents=True, exist_ok=True)
    command = [java(), "-Xmx384m", f"-Dquarkus.http.port={port}", "-Dquarkus.http.host=127.0.0.1",
               "-Dquarkus.log.level=WARN", "-jar", str(runner)]
    started = spawn(command, LOG_FILE, PID_FILE)
    wait_for(lambda: healthy(port), "The schema registry", 120, started, LOG_FILE)
    return f"started (pid {started}, http://localhost:{port}{CCOMPAT_PATH})"


def stop() -> str:
    return shut_down(PID_FILE, MARKER, "The schema registry", timeout=30)
