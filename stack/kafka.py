"""The local Kafka broker: fetch its jars, format its KRaft storage, start, stop, create topics."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from string import Template

from ingest import kafka_probe

from . import ROOT, STACK_DIR, StackError, tls
from .process import (port_open, read_pid, run_checked, shut_down, spawn, start_once, status_row, tree_memory_mb,
                      wait_for)
from .settings import KafkaSettings

KAFKA_DIR = STACK_DIR / "kafka"
JARS_DIR = STACK_DIR / "jars" / "kafka"
SPARK_JARS_DIR = STACK_DIR / "jars" / "spark"
CONF_DIR = ROOT / "stack" / "conf"
PID_FILE = KAFKA_DIR / "broker.pid"
LOG_FILE = KAFKA_DIR / "broker.log"
# Part of the broker's command line; identifies our process (see process.read_pid).
MARKER = str(KAFKA_DIR / "server.properties")


def java() -> str:
    """A Java 17+ executable (JAVA_HOME first, then PATH)."""
    home = os.environ.get("JAVA_HOME")
    candidate = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise StackError("No Java found: install a JDK 17+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME.")
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    if not match or int(match.group(1)) < 17:
        raise StackError(f"Kafka 4 needs Java 17 or newer, but {candidate} is {out.splitlines()[0]}: set JAVA_HOME to a JDK 17+.")
    return candidate


def fetch_jars() -> None:
    """Resolve the broker's and Spark connector's jars from Maven Central (once)."""
    for name, target in (("kafka", JARS_DIR), ("spark", SPARK_JARS_DIR)):
        if target.exists() and any(target.glob("*.jar")):
            continue
        mvn = shutil.which("mvn")
        if not mvn:
            raise StackError("Maven is needed to fetch the Kafka jars: install it (apt-get install maven).")
        print(f"Fetching the {name} jars from Maven Central ...", flush=True)
        try:
            run_checked([mvn, "-q", "-B", "-f", str(ROOT / "stack" / "maven" / name / "pom.xml"), "dependency:copy-dependencies"],
                        f"Maven could not fetch the {name} jars")
        except StackError:
            shutil.rmtree(target, ignore_errors=True)
            raise


def pid() -> int | None:
    return read_pid(PID_FILE, MARKER)


def _classpath() -> str:
    return str(JARS_DIR / "*")


def _render_config(settings: KafkaSettings) -> Path:
    config = KAFKA_DIR / "server.properties"
    template = Template((CONF_DIR / "kafka-server.properties.template").read_text())
    tls.ensure_certificates()
    # It holds the SASL user's password: readable by us only.
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(config, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(
            template.substitute(
                port=settings.plaintext_port,
                sasl_ssl_port=settings.sasl_ssl_port,
                controller_port=settings.controller_port,
                data_dir=KAFKA_DIR / "data",
                partitions=settings.partitions,
                retention_hours=settings.retention_hours,
                jaas_users=tls.jaas_users(settings),
                keystore=tls.BROKER_KEYSTORE,
            )
        )
    return config


def cluster_id() -> str:
    """A new KRaft cluster id: a random UUID in URL-safe base64, as `kafka-storage random-uuid` makes it,
    which draws again when the id starts with "-" (one in 64): the storage tool would read it as an option."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


def _format_storage(config: Path) -> None:
    """Format the KRaft log directory once; a formatted directory keeps its cluster id."""
    if (KAFKA_DIR / "data" / "meta.properties").exists():
        return
    run_checked([java(), "-cp", _classpath(), f"-Dlog4j2.configurationFile={CONF_DIR / 'kafka-log4j2.properties'}",
                 "kafka.tools.StorageTool", "format", "-t", cluster_id(), "-c", str(config)], "Formatting Kafka's storage failed")


def start(settings: KafkaSettings) -> str:
    if not settings.is_local:
        return f"using the brokers at {settings.bootstrap_servers} (not local: no broker started)"
    ports = (
        (settings.plaintext_port, "KAFKA_PLAINTEXT_PORT" if settings.port != settings.plaintext_port else "KAFKA_BOOTSTRAP_SERVERS"),
        (settings.sasl_ssl_port, "KAFKA_SASL_SSL_PORT"),
        (settings.controller_port, "KAFKA_CONTROLLER_PORT"),
    )
    return start_once(pid(), ports, lambda: _launch(settings))


def _launch(settings: KafkaSettings) -> str:
    fetch_jars()
    KAFKA_DIR.mkdir(parents=True, exist_ok=True)
    config = _render_config(settings)
    _format_storage(config)
    heap = os.environ.get("KAFKA_HEAP_OPTS", "-Xms256m -Xmx1g").split()
    command = [
        java(), *heap, "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={CONF_DIR / 'kafka-log4j2.properties'}",
        "-cp", _classpath(), "kafka.Kafka", str(config),
    ]
    started = spawn(command, LOG_FILE, PID_FILE)
    wait_for(lambda: healthy(settings, timeout=2), "The Kafka broker", 90, started, LOG_FILE)
    return f"started (pid {started}, PLAINTEXT port {settings.plaintext_port}, SASL_SSL port {settings.sasl_ssl_port})"


def problem(settings: KafkaSettings, timeout: float = 5) -> str | None:
    """None when the brokers answer; otherwise one sentence saying what to set."""
    if settings.is_local and not port_open("127.0.0.1", settings.port):
        return kafka_probe.unreachable_sentence(settings.bootstrap_servers)
    unusable = kafka_probe.probe(settings.client_config(), timeout,
                                 ca_hint=" (the local broker's is .stack/kafka/tls/ca.pem)")
    return unusable.sentence if unusable else None


def healthy(settings: KafkaSettings, timeout: float = 5) -> bool:
    return problem(settings, timeout) is None


def create_topics(settings: KafkaSettings) -> list[str]:
    """Create the topics that do not exist yet; existing ones are left as they are."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient(settings.client_config())
    existing = set(admin.list_topics(timeout=15).topics)
    missing = [t for t in settings.topics if t not in existing]
    if not missing:
        return []
    retention_ms = str(settings.retention_hours * 3600 * 1000)
    new = [NewTopic(t, settings.partitions, -1, config={"retention.ms": retention_ms}) for t in missing]
    for topic, future in admin.create_topics(new).items():
        try:
            future.result(timeout=30)
        except Exception as exc:
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise StackError(f"Could not create topic {topic}: {exc}") from None
    return missing


def shutdown() -> str:
    return shut_down(PID_FILE, MARKER, "The Kafka broker", timeout=60)


def status(settings: KafkaSettings) -> dict:
    running = pid()
    trouble = problem(settings, timeout=3)
    memory = tree_memory_mb(running) if running else None
    where = (settings.bootstrap_servers if not settings.is_local
             else f"localhost:{settings.plaintext_port} PLAINTEXT, localhost:{settings.sasl_ssl_port} SASL_SSL")
    return status_row("kafka", running, not trouble, trouble or "", where, memory)
