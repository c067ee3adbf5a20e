"""The local broker's second listener, SASL_SSL with PLAIN as on Confluent Cloud: its CA and
certificate, `stack status` over it, and the clients it refuses."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from confluent_kafka import KafkaError
from confluent_kafka.admin import AdminClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
STACK_DIR = Path(os.environ.get("MATCHDAY_STACK_DIR") or ROOT / ".stack")
TLS = STACK_DIR / "kafka" / "tls"


def status(env):
    return subprocess.run([sys.executable, "-m", "stack", "status"], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)


def kafka_problem(result):
    return [line for line in result.stdout.splitlines() if line.startswith("kafka: ")]


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=True).stdout


def test_broker_certificate_is_signed_by_the_generated_ca_for_localhost():
    assert openssl("verify", "-CAfile", str(TLS / "ca.pem"), str(TLS / "broker.pem")).strip().endswith(": OK")
    names = openssl("x509", "-in", str(TLS / "broker.pem"), "-noout", "-ext", "subjectAltName")
    assert "DNS:localhost" in names and "IP Address:127.0.0.1" in names
    # A leaf certificate: whoever holds the broker key cannot sign other certificates with it.
    assert "CA:TRUE" not in openssl("x509", "-in", str(TLS / "broker.pem"), "-noout", "-ext", "basicConstraints")


@pytest.mark.parametrize("secret", ["tls/ca.key", "tls/broker-keystore.pem", "server.properties"])
def test_keys_and_passwords_are_readable_by_their_owner_only(secret):
    path = STACK_DIR / "kafka" / secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_generated_listener_password_is_kept_for_its_owner_only(tmp_path, monkeypatch):
    """Without KAFKA_LOCAL_SASL_PASSWORD, one password is generated once, into a 0600 file."""
    from stack import tls
    from stack.settings import Settings

    monkeypatch.setattr(tls, "TLS_DIR", tmp_path)
    monkeypatch.setattr(tls, "SASL_PASSWORD_FILE", tmp_path / "sasl_password")
    settings = Settings.from_env({**os.environ, "KAFKA_LOCAL_SASL_PASSWORD": ""}).kafka
    password = tls.local_password(settings)
    assert len(password) >= 24
    assert stat.S_IMODE((tmp_path / "sasl_password").stat().st_mode) == 0o600
    assert tls.local_password(settings) == password  # generated once, then read back


def test_status_is_healthy_over_sasl_ssl(sasl_ssl_env):
    result = status(sasl_ssl_env)
    assert kafka_problem(result) == [], result.stdout
    [row] = [line for line in result.stdout.splitlines() if line.startswith("kafka ")]
    assert " healthy " in row
    assert f"localhost:{sasl_ssl_env['KAFKA_PLAINTEXT_PORT']} PLAINTEXT" in row
    assert f"{sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']} SASL_SSL" in row


def test_status_with_a_wrong_password_names_the_settings_to_fix(sasl_ssl_env):
    result = status(sasl_ssl_env | {"KAFKA_SASL_PASSWORD": "not-the-password"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert kafka_problem(result) == [
        f"kafka: Kafka at {sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']} refused our credentials: "
        "set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD."
    ]


def test_status_without_the_ca_names_the_setting_to_fix(sasl_ssl_env):
    result = status(sasl_ssl_env | {"KAFKA_SSL_CA_LOCATION": ""})
    assert result.returncode == 1
    [line] = kafka_problem(result)
    assert "presented a certificate we do not trust: set KAFKA_SSL_CA_LOCATION" in line


def test_sasl_ssl_on_the_plaintext_port_is_one_sentence(sasl_ssl_env):
    plaintext = f"localhost:{sasl_ssl_env['KAFKA_PLAINTEXT_PORT']}"
    result = status(sasl_ssl_env | {"KAFKA_BOOTSTRAP_SERVERS": plaintext})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"matchday stack: KAFKA_SECURITY_PROTOCOL is SASL_SSL but KAFKA_BOOTSTRAP_SERVERS' port "
        f"{sasl_ssl_env['KAFKA_PLAINTEXT_PORT']} is not the local broker's SASL_SSL port "
        f"{sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS'].rsplit(':', 1)[1]}: set KAFKA_BOOTSTRAP_SERVERS to "
        f"{sasl_ssl_env['KAFKA_BOOTSTRAP_SERVERS']}."
    ]


def metadata_errors(config):
    """Ask for the topics; return whether it worked and the errors librdkafka reported."""
    errors = []
    admin = AdminClient(config | {"error_cb": errors.append, "log_level": 0})
    try:
        admin.list_topics(timeout=3)
        answered = True
    except Exception:  # KafkaException: no metadata
        answered = False
    admin.poll(0)
    return answered, errors


def test_the_right_client_gets_the_topics(sasl_ssl_config):
    answered, errors = metadata_errors(sasl_ssl_config)
    assert answered and errors == []


def test_a_client_that_trusts_another_ca_is_refused(sasl_ssl_config, tmp_path):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(tmp_path / "other.key"), "-out",
            str(tmp_path / "other.pem"), "-days", "1", "-subj", "/CN=another CA")
    answered, errors = metadata_errors(sasl_ssl_config | {"ssl.ca.location": str(tmp_path / "other.pem")})
    assert not answered
    assert any(e.code() == KafkaError._SSL and "certificate verify failed" in e.str() for e in errors), errors


def test_a_client_that_trusts_only_the_system_cas_is_refused(sasl_ssl_config):
    config = {k: v for k, v in sasl_ssl_config.items() if k != "ssl.ca.location"}
    answered, errors = metadata_errors(config)
    assert not answered
    assert any(e.code() == KafkaError._SSL and "certificate verify failed" in e.str() for e in errors), errors


def test_a_plaintext_client_gets_nothing_from_the_sasl_ssl_listener(sasl_ssl_config):
    answered, _ = metadata_errors({"bootstrap.servers": sasl_ssl_config["bootstrap.servers"]})
    assert not answered
