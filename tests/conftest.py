"""Shared fixtures: the settings of the running stack, and per-test Kafka topics.

The services are started once, by `make up` (which `make test` runs first); tests never
start or mock them. Each test that writes to Kafka gets topics of its own, so tests do not
see each other's data.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from stack import envfile

ROOT = Path(__file__).resolve().parent.parent
# The real data beside the repository (StatsBomb events, provider responses, results).
SHARED_DATA = ROOT.parent / "shared" / "data"
# Fixtures that reach a service of the running stack: a test using one is `integration`.
SERVICE_FIXTURES = {"kafka_config", "new_topic", "pg_settings", "pg_conn", "sasl_ssl_env", "sasl_ssl_config", "pipeline",
                    "superset", "superset_api", "landed_matches", "dbt_seeds", "schema_registry_url"}


# Unset variables come from .env (else .env.example), as the Makefile exports them.
envfile.load_defaults()


def pytest_collection_modifyitems(items) -> None:
    """Markers a test earns by what it uses: `spark` for the local SparkSession, `integration`
    for a service of the stack, so `make test-unit` can leave both out."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if "spark" in used:
            item.add_marker(pytest.mark.spark)
        if used & SERVICE_FIXTURES:
            item.add_marker(pytest.mark.integration)


def pytest_runtest_setup(item) -> None:
    if item.get_closest_marker("shared_data") and not SHARED_DATA.is_dir():
        # A failure, not a skip: a suite run without the real data has not passed.
        pytest.fail(f"needs the real data in {SHARED_DATA} (the shared folder beside the repository), which is missing; "
                    "run the tests in a checkout beside it, or leave these tests out with -m 'not shared_data'", pytrace=False)


@pytest.fixture(scope="session")
def kafka_config() -> dict[str, str]:
    """librdkafka settings for the stack's broker, checked to be reachable."""
    from confluent_kafka.admin import AdminClient

    config = {"bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"]}
    metadata = AdminClient(config).list_topics(timeout=15)
    if not metadata.brokers:
        pytest.fail(f"No Kafka broker at {config['bootstrap.servers']}: run `make up` first.")
    return config


@pytest.fixture
def new_topic(kafka_config, request):
    """Factory: `new_topic("match-events", partitions=3)` creates a topic for this test only."""
    from tests.kafka_topics import topic_factory

    test_name = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:60].strip("-")
    with topic_factory(kafka_config, f"test-{test_name}") as create:
        yield create


@pytest.fixture(scope="session")
def pg_settings() -> dict[str, str]:
    """Connection settings of the pipeline's writer role (POSTGRES_*)."""
    return {
        "host": os.environ["POSTGRES_HOST"],
        "port": os.environ["POSTGRES_PORT"],
        "dbname": os.environ["POSTGRES_DB"],
        "user": os.environ["POSTGRES_USER"],
        "password": os.environ["POSTGRES_PASSWORD"],
    }


@pytest.fixture
def pg_conn(pg_settings):
    """A connection as the pipeline's writer role, autocommit, closed after the test."""
    import psycopg2

    conn = psycopg2.connect(connect_timeout=10, **pg_settings)
    conn.autocommit = True
    yield conn
    conn.close()


def _local_sasl_password() -> str:
    if os.environ.get("KAFKA_LOCAL_SASL_PASSWORD"):
        return os.environ["KAFKA_LOCAL_SASL_PASSWORD"]
    stack_dir = Path(os.environ.get("MATCHDAY_STACK_DIR") or ROOT / ".stack")
    return (stack_dir / "kafka" / "tls" / "sasl_password").read_text().strip()


@pytest.fixture(scope="session")
def sasl_ssl_env() -> dict[str, str]:
    """The settings a user writes into .env for the local broker's SASL_SSL listener, exactly as
    for Confluent Cloud (plus where the PLAINTEXT listener stays)."""
    stack_dir = Path(os.environ.get("MATCHDAY_STACK_DIR") or ROOT / ".stack")
    plaintext_port = os.environ["KAFKA_BOOTSTRAP_SERVERS"].rsplit(":", 1)[-1]
    return {
        "KAFKA_BOOTSTRAP_SERVERS": f"localhost:{os.environ.get('KAFKA_SASL_SSL_PORT', '9094')}",
        "KAFKA_PLAINTEXT_PORT": plaintext_port,
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "PLAIN",
        "KAFKA_SASL_USERNAME": os.environ.get("KAFKA_LOCAL_SASL_USERNAME") or "matchday",
        "KAFKA_SASL_PASSWORD": _local_sasl_password(),
        "KAFKA_SSL_CA_LOCATION": str(stack_dir / "kafka" / "tls" / "ca.pem"),
    }


@pytest.fixture(scope="session")
def sasl_ssl_config(sasl_ssl_env) -> dict[str, str]:
    """librdkafka settings for the local broker's SASL_SSL listener."""
    return {
        "bootstrap.servers": sasl_ssl_env["KAFKA_BOOTSTRAP_SERVERS"],
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "PLAIN",
        "sasl.username": sasl_ssl_env["KAFKA_SASL_USERNAME"],
        "sasl.password": sasl_ssl_env["KAFKA_SASL_PASSWORD"],
        "ssl.ca.location": sasl_ssl_env["KAFKA_SSL_CA_LOCATION"],
    }


@pytest.fixture(scope="session")
def dbt_seeds() -> None:
    """The dbt seeds (fitted coefficients, scoring rules, ratings) loaded once into the stack's
    PostgreSQL, for tests that build models with `--exclude resource_type:seed`."""
    import subprocess
    import sys

    env = {**os.environ, "DBT_PROFILES_DIR": str(ROOT / "dbt_project")}
    done = subprocess.run([str(Path(sys.executable).with_name("dbt")), "seed", "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.fixture(scope="session")
def schema_registry_url():
    """A Confluent-compatible schema registry: the one SCHEMA_REGISTRY_URL names on this machine
    when it runs, else the stack's (stack/schema_registry.py) on a free port, stopped after the session."""
    import socket

    from stack import schema_registry

    configured = os.environ.get("SCHEMA_REGISTRY_URL", "")
    port = schema_registry.local_port(configured)
    if port is not None and schema_registry.healthy(port):
        yield configured.rstrip("/")
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://localhost:{port}{schema_registry.CCOMPAT_PATH}"
    schema_registry.start(url)
    try:
        yield url
    finally:
        schema_registry.stop()
