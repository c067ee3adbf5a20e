"""A bad setting stops the stack with one clear sentence that names what to set, not a trace."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def stack(*args, tmp_path, **env):
    # A stack folder of the test's own, so nothing here touches the running stack.
    environment = os.environ | {"MATCHDAY_STACK_DIR": str(tmp_path / "stack")} | env
    return subprocess.run(
        [sys.executable, "-m", "stack", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def assert_one_clear_sentence(result, *expected):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]


@pytest.mark.integration
def test_unreachable_broker(tmp_path):
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    # A non-local address is used as it is; nothing listens there.
    result = stack("status", tmp_path=tmp_path, KAFKA_BOOTSTRAP_SERVERS=f"127.0.0.2:{port}")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"kafka: Cannot reach Kafka at 127.0.0.2:{port}: set KAFKA_BOOTSTRAP_SERVERS" in result.stdout


@pytest.mark.integration
def test_wrong_postgres_password(tmp_path):
    result = stack("status", tmp_path=tmp_path, POSTGRES_PASSWORD="not-the-password")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"refused the password of {os.environ['POSTGRES_USER']}: set POSTGRES_PASSWORD." in result.stdout


def test_port_already_taken(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = stack("up", tmp_path=tmp_path, POSTGRES_PORT=str(port))
    finally:
        taken.close()
    assert_one_clear_sentence(result, f"Port {port} is already taken by another process", "set POSTGRES_PORT")


def test_port_that_is_not_a_number(tmp_path):
    result = stack("status", tmp_path=tmp_path, POSTGRES_PORT="fifty")
    assert_one_clear_sentence(result, "POSTGRES_PORT must be a port number", "set it in .env")


def test_a_kafka_mode_that_does_not_exist(tmp_path):
    result = stack("status", tmp_path=tmp_path, KAFKA_MODE="docker")
    assert_one_clear_sentence(result, "KAFKA_MODE must be 'local', 'external' or empty, not 'docker'", "set it in .env")


def test_kafka_mode_local_with_a_remote_address(tmp_path):
    result = stack("status", tmp_path=tmp_path, KAFKA_MODE="local", KAFKA_BOOTSTRAP_SERVERS="broker.example.org:9092")
    assert_one_clear_sentence(result, "KAFKA_MODE=local runs a broker on this machine", "set KAFKA_BOOTSTRAP_SERVERS")


def test_kafka_mode_external_uses_a_broker_on_localhost_as_it_is():
    """docker compose's broker listens on localhost:9092: `make up KAFKA_MODE=external` must not
    try to start a second one there (which stopped at "Port 9092 is already taken")."""
    from stack import kafka
    from stack.settings import Settings

    env = {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "KAFKA_MODE": "external"}
    settings = Settings.from_env(env).kafka
    assert not settings.is_local
    assert kafka.start(settings) == "using the brokers at localhost:9092 (not local: no broker started)"
    assert Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}).kafka.is_local


def test_a_superset_bind_address_that_is_not_an_address(tmp_path):
    result = stack("status", tmp_path=tmp_path, SUPERSET_BIND_ADDRESS="everywhere")
    assert_one_clear_sentence(result, "SUPERSET_BIND_ADDRESS must be an IP address", "not 'everywhere'", "set it in .env")


@pytest.mark.parametrize(("address", "bind", "url"), [
    ("127.0.0.1", "127.0.0.1:8100", "http://127.0.0.1:8100"),
    ("0.0.0.0", "0.0.0.0:8100", "http://127.0.0.1:8100"),  # every interface; this machine reaches it on localhost
    ("::", "[::]:8100", "http://127.0.0.1:8100"),
    ("10.1.2.3", "10.1.2.3:8100", "http://10.1.2.3:8100"),
])
def test_superset_listens_on_the_bind_address(address, bind, url):
    from stack.superset import SupersetSettings

    settings = SupersetSettings.from_env({"SUPERSET_PORT": "8100", "SUPERSET_BIND_ADDRESS": address,
                                          "SUPERSET_ADMIN_PASSWORD": "x" * 18, "SUPERSET_SECRET_KEY": "k" * 42})
    assert (settings.bind, settings.url) == (bind, url)
