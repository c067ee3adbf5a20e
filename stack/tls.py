"""The local broker's SASL_SSL listener: a CA of our own, a broker certificate for localhost
signed by it, and the one SASL/PLAIN user, all generated once into .stack/kafka/tls/.

Clients trust the CA (KAFKA_SSL_CA_LOCATION=.stack/kafka/tls/ca.pem) as they would trust a
managed cluster's public CA, and log in with KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

from . import STACK_DIR, StackError
from .settings import KafkaSettings

TLS_DIR = STACK_DIR / "kafka" / "tls"
CA_CERT = TLS_DIR / "ca.pem"
CA_KEY = TLS_DIR / "ca.key"
# The broker's private key (PKCS#8, unencrypted) followed by its certificate and the CA's:
# Kafka reads it as a keystore of type PEM.
BROKER_KEYSTORE = TLS_DIR / "broker-keystore.pem"
SASL_PASSWORD_FILE = TLS_DIR / "sasl_password"

_BROKER_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
"""


def _openssl(*args: str, cwd: Path) -> None:
    openssl = shutil.which("openssl")
    if not openssl:
        raise StackError("openssl is needed to make the local broker's TLS certificates: install it (apt-get install openssl).")
    result = subprocess.run([openssl, *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"openssl {args[0]} failed while making the local broker's certificates:\n{result.stderr[-1500:]}")


def _private(path: Path) -> None:
    os.chmod(path, 0o600)


def ensure_certificates() -> None:
    """Make the CA and the broker's keystore once; existing ones are kept (clients trust them)."""
    if CA_CERT.exists() and BROKER_KEYSTORE.exists():
        return
    TLS_DIR.mkdir(parents=True, exist_ok=True)
    os.chmod(TLS_DIR, 0o700)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", CA_KEY.name, "-out", CA_CERT.name,
             "-days", "3650", "-subj", "/CN=matchday local CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=TLS_DIR)
    _private(CA_KEY)
    (TLS_DIR / "broker.ext").write_text(_BROKER_EXTENSIONS)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key", "-out", "broker.csr",
             "-subj", "/CN=localhost", cwd=TLS_DIR)
    _private(TLS_DIR / "broker.key")
    _openssl("x509", "-req", "-in", "broker.csr", "-CA", CA_CERT.name, "-CAkey", CA_KEY.name, "-CAcreateserial",
             "-out", "broker.pem", "-days", "825", "-sha256", "-extfile", "broker.ext", cwd=TLS_DIR)
    fd = os.open(BROKER_KEYSTORE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as keystore:
        for part in ("broker.key", "broker.pem", CA_CERT.name):
            keystore.write((TLS_DIR / part).read_text())
    for leftover in ("broker.key", "broker.csr", "broker.ext", "ca.srl"):
        (TLS_DIR / leftover).unlink(missing_ok=True)


def local_password(settings: KafkaSettings) -> str:
    """KAFKA_LOCAL_SASL_PASSWORD, else the one generated once into .stack/kafka/tls/sasl_password (0600)."""
    if settings.local_sasl_password:
        return settings.local_sasl_password
    if SASL_PASSWORD_FILE.exists():
        return SASL_PASSWORD_FILE.read_text().strip()
    TLS_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(24)
    # Created with 0600 from the start: never readable by others, not even briefly.
    fd = os.open(SASL_PASSWORD_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def jaas_users(settings: KafkaSettings) -> str:
    """The broker side of SASL/PLAIN: the users it accepts on the SASL_SSL listener."""
    return (f'org.apache.kafka.common.security.plain.PlainLoginModule required '
            f'user_{settings.local_sasl_username}="{local_password(settings)}";')
