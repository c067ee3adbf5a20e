"""Apache NiFi 1.18.0 for the stack (optional: `make up NIFI=1`): assembled from Maven Central into
.stack/nifi/home, its Kafka 2.6 and SSL context service NARs taken from the Maven repository or built
from Apache's source, HTTPS on localhost with one user whose password comes from the settings.

The flow itself is deployed by `python -m nifi deploy` (nifi/).
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Mapping

from . import ROOT, STACK_DIR, StackError
from .kafka import java
from .process import (read_pid, refuse_taken_ports, run_checked, shut_down, spawn, status_row, tree_memory_mb,
                      wait_for)
from .secretfile import generated
from .settings import _port

NIFI_DIR = STACK_DIR / "nifi"
HOME = NIFI_DIR / "home"
LIB = HOME / "lib"
CONF = HOME / "conf"
TLS_DIR = NIFI_DIR / "tls"
# NiFi's HTTPS certificate (self-signed, localhost): clients verify the server with it.
SERVER_CERT = TLS_DIR / "nifi-server.pem"
SERVER_KEYSTORE = TLS_DIR / "nifi-keystore.p12"
SERVER_TRUSTSTORE = TLS_DIR / "nifi-truststore.p12"
STORE_PASSWORD_FILE = TLS_DIR / "store_password"
# The Kafka CA (.stack/kafka/tls/ca.pem) as a PKCS12 truststore, for StandardSSLContextService.
KAFKA_TRUSTSTORE = TLS_DIR / "kafka-truststore.p12"
PASSWORD_FILE = NIFI_DIR / "admin_password"
SENSITIVE_KEY_FILE = NIFI_DIR / "sensitive_props_key"
PID_FILE = NIFI_DIR / "nifi.pid"
LOG_FILE = NIFI_DIR / "nifi-console.log"
LOG_DIR = NIFI_DIR / "logs"
TEMPLATES = ROOT / "stack" / "conf" / "nifi"
MAVEN = ROOT / "stack" / "maven"
# Written once every NAR and jar is in lib/; a half-fetched lib/ is fetched again.
COMPLETE = LIB / ".complete"
# Part of NiFi's command line; identifies our process (see process.read_pid).
MARKER = str(CONF / "nifi.properties")
NIFI_VERSION = "1.18.0"
SOURCE_BUILT_NARS = {
    "nifi-kafka-2-6-nar": "nifi-nar-bundles/nifi-kafka-bundle/nifi-kafka-2-6-nar/target",
    "nifi-ssl-context-service-nar": "nifi-nar-bundles/nifi-standard-services/nifi-ssl-context-bundle/nifi-ssl-context-service-nar/target",
}
PBKDF2_ITERATIONS = 210_000


@dataclass(frozen=True)
class NiFiSettings:
    enabled: bool
    port: int
    username: str
    password: str = field(repr=False)
    heap: str = "512m"
    kafka_source: Path = ROOT.parent / "shared" / "vendor" / "apache-nifi-1.18.0-kafka"

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, enabled: bool | None = None) -> "NiFiSettings":
        """NIFI_*; an empty NIFI_PASSWORD is generated once into .stack/nifi/admin_password (0600)."""
        env = os.environ if env is None else env
        flag = (env.get("NIFI_ENABLED") or "0").strip().lower()
        if flag not in ("0", "1", "true", "false", "yes", "no", ""):
            raise StackError(f"NIFI_ENABLED must be 0 or 1, not {flag!r}: set it in .env.")
        username = (env.get("NIFI_USERNAME") or "admin").strip()
        if not username or any(c in username for c in "<>&\"'$ "):
            raise StackError("NIFI_USERNAME must be a plain word (no spaces, quotes, <, >, & or $): set it in .env.")
        password = env.get("NIFI_PASSWORD") or ""
        if password and len(password) < 12:
            raise StackError("NIFI_PASSWORD must be at least 12 characters, as NiFi requires: set another one in .env, "
                             "or leave it empty to have one generated.")
        heap = (env.get("NIFI_HEAP") or "512m").strip()
        if not heap[:-1].isdigit() or heap[-1].lower() not in "mg":
            raise StackError(f"NIFI_HEAP must be a size such as 512m or 1g, not {heap!r}: set it in .env.")
        source = (env.get("NIFI_KAFKA_SOURCE_DIR") or "").strip()
        return cls(
            enabled=(flag in ("1", "true", "yes")) if enabled is None else enabled,
            port=_port(env.get("NIFI_PORT") or "8443", "NIFI_PORT"),
            username=username,
            password=password or generated(PASSWORD_FILE, 18),
            heap=heap,
            kafka_source=(ROOT / source).resolve() if source else cls.kafka_source,
        )




def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _mvn(*args: str, what: str) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise StackError("Maven is needed to assemble NiFi: install it (apt-get install maven).")
    run_checked([mvn, "-q", "-B", *args], f"Maven could not {what}")


def _kafka_nars_from_repository() -> bool:
    """The two NARs from the Maven repository, when it serves them."""
    for artifact in SOURCE_BUILT_NARS:
        mvn = shutil.which("mvn") or "mvn"
        result = subprocess.run(
            [mvn, "-q", "-B", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
             f"-Dartifact=org.apache.nifi:{artifact}:{NIFI_VERSION}:nar",
             f"-DoutputDirectory={LIB}"], capture_output=True, text=True, cwd=NIFI_DIR)
        if result.returncode != 0:
            return False
    return True


def _kafka_nars_from_source(source: Path) -> None:
    """Build the two NARs from Apache's rel/nifi-1.18.0 source (NIFI_KAFKA_SOURCE_DIR), in a copy under .stack/."""
    if not (source / "build.sh").exists():
        raise StackError(
            f"The Maven repository serves no org.apache.nifi:nifi-kafka-2-6-nar:{NIFI_VERSION}, and {source} holds no "
            "Apache NiFi Kafka source with build.sh: set NIFI_KAFKA_SOURCE_DIR to that folder.")
    build = NIFI_DIR / "build" / source.name
    if not all(list((build / target).glob(f"{name}-{NIFI_VERSION}.nar")) for name, target in SOURCE_BUILT_NARS.items()):
        shutil.rmtree(build, ignore_errors=True)
        shutil.copytree(source, build)  # the shared folder is read-only: build in our own copy
        for path in [build, *build.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        print(f"Building NiFi's Kafka 2.6 and SSL context service NARs from {source} (a minute or two, once) ...", flush=True)
        run_checked(["bash", str(build / "build.sh"), "-q"], f"Building the NiFi Kafka NARs from {source} failed", cwd=build)
    for name, target in SOURCE_BUILT_NARS.items():
        shutil.copy2(build / target / f"{name}-{NIFI_VERSION}.nar", LIB)
    # Apache's licence and notice travel with what was built from their source.
    for notice in ("NOTICE", "LICENSE"):
        shutil.copy2(build / notice, LIB / f"{notice}.apache-nifi-{NIFI_VERSION}-kafka")


def fetch(settings: NiFiSettings) -> None:
    """Assemble NiFi's lib/ once: Maven Central's jars and NARs, the Kafka NARs, our login NAR."""
    if COMPLETE.exists():
        return
    LIB.mkdir(parents=True, exist_ok=True)
    print("Assembling Apache NiFi 1.18.0 from Maven Central (~300 MB, once) ...", flush=True)
    _mvn("-f", str(MAVEN / "nifi" / "pom.xml"), "dependency:copy-dependencies", "dependency:copy",
         what="fetch NiFi 1.18.0")
    for part in ("bootstrap", "properties"):
        _mvn("-f", str(MAVEN / "nifi" / part / "pom.xml"), "dependency:copy-dependencies", what=f"fetch NiFi's lib/{part}")
    if not _kafka_nars_from_repository():
        _kafka_nars_from_source(settings.kafka_source)
    _mvn("-f", str(MAVEN / "nifi-login" / "pom.xml"), "package", what="build the NiFi login NAR")
    shutil.copy2(NIFI_DIR / "login-build" / "matchday-nifi-login-nar-1.nar", LIB)
    COMPLETE.write_text(f"{NIFI_VERSION}\n")


def _keytool(*args: str) -> None:
    keytool = shutil.which("keytool")
    if not keytool:
        raise StackError("keytool is needed for NiFi's certificates: install a JDK 17 (apt-get install openjdk-17-jdk-headless).")
    run_checked([keytool, *args], f"keytool {args[0]} failed while making NiFi's certificates", keep=800)


def store_password() -> str:
    TLS_DIR.mkdir(parents=True, exist_ok=True)
    os.chmod(TLS_DIR, 0o700)
    return generated(STORE_PASSWORD_FILE, 18)


def ensure_certificates() -> None:
    """NiFi's HTTPS keystore and truststore (self-signed for localhost), made once."""
    password = store_password()
    if SERVER_KEYSTORE.exists() and SERVER_TRUSTSTORE.exists() and SERVER_CERT.exists():
        return
    for path in (SERVER_KEYSTORE, SERVER_TRUSTSTORE, SERVER_CERT):
        path.unlink(missing_ok=True)
    _keytool("-genkeypair", "-alias", "nifi-key", "-keyalg", "RSA", "-keysize", "2048", "-validity", "825",
             "-dname", "CN=localhost, OU=matchday NiFi", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
             "-storetype", "PKCS12", "-keystore", str(SERVER_KEYSTORE), "-storepass", password)
    _keytool("-exportcert", "-rfc", "-alias", "nifi-key", "-keystore", str(SERVER_KEYSTORE),
             "-storepass", password, "-file", str(SERVER_CERT))
    _keytool("-importcert", "-noprompt", "-alias", "nifi-cert", "-file", str(SERVER_CERT), "-storetype", "PKCS12",
             "-keystore", str(SERVER_TRUSTSTORE), "-storepass", password)
    for path in (SERVER_KEYSTORE, SERVER_TRUSTSTORE):
        os.chmod(path, 0o600)


def kafka_truststore(ca_pem: Path) -> tuple[Path, str]:
    """A PKCS12 truststore holding the CA that signs the brokers' certificates (a PEM file), for
    NiFi's StandardSSLContextService; made again when the CA changes. Returns its path and password."""
    if not ca_pem.exists():
        raise StackError(f"The Kafka CA {ca_pem} does not exist: run `make up` (local broker) or set KAFKA_SSL_CA_LOCATION.")
    password = store_password()
    stamp = TLS_DIR / "kafka-truststore.sha256"
    digest = hashlib.sha256(ca_pem.read_bytes()).hexdigest()
    if KAFKA_TRUSTSTORE.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return KAFKA_TRUSTSTORE, password
    KAFKA_TRUSTSTORE.unlink(missing_ok=True)
    _keytool("-importcert", "-noprompt", "-alias", "kafka-ca", "-file", str(ca_pem), "-storetype", "PKCS12",
             "-keystore", str(KAFKA_TRUSTSTORE), "-storepass", password)
    os.chmod(KAFKA_TRUSTSTORE, 0o600)
    stamp.write_text(digest + "\n")
    return KAFKA_TRUSTSTORE, password


def password_hash(password: str, salt: bytes | None = None) -> str:
    """What the login provider keeps instead of the password: pbkdf2-sha256$iterations$salt$hash."""
    salt = salt or secrets.token_bytes(16)
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ITERATIONS)
    return f"pbkdf2-sha256${PBKDF2_ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(derived).decode()}"


def _render(settings: NiFiSettings) -> None:
    CONF.mkdir(parents=True, exist_ok=True)
    values = {
        "home": str(HOME),
        "port": str(settings.port),
        "username": settings.username,
        "password_hash": password_hash(settings.password),
        "keystore": str(SERVER_KEYSTORE),
        "truststore": str(SERVER_TRUSTSTORE),
        "keystore_password": store_password(),
        "sensitive_props_key": generated(SENSITIVE_KEY_FILE, 24),
    }
    for name in ("nifi.properties", "authorizers.xml", "login-identity-providers.xml", "state-management.xml"):
        text = Template((TEMPLATES / f"{name}.template").read_text()).substitute(values)
        _write_private(CONF / name, text)
    shutil.copy2(TEMPLATES / "logback.xml", CONF / "logback.xml")
    # The users and policies files name the user: a new NIFI_USERNAME starts them afresh.
    users = CONF / "users.xml"
    if users.exists() and f'identity="{settings.username}"' not in users.read_text():
        users.unlink()
        (CONF / "authorizations.xml").unlink(missing_ok=True)


def pid() -> int | None:
    return read_pid(PID_FILE, MARKER)


def _context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(SERVER_CERT))


def login(settings: NiFiSettings, timeout: float = 5) -> str | None:
    """A bearer token for the user, or None while NiFi does not answer (starting, stopped)."""
    data = urllib.parse.urlencode({"username": settings.username, "password": settings.password}).encode()
    request = urllib.request.Request(f"{settings.url}/nifi-api/access/token", data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_context()) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError, ssl.SSLError):
        return None


def healthy(settings: NiFiSettings, timeout: float = 5) -> bool:
    """Logged in, and the flow controller answers."""
    token = login(settings, timeout)
    if not token:
        return False
    request = urllib.request.Request(f"{settings.url}/nifi-api/flow/status", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_context()) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ssl.SSLError):
        return False


def start(settings: NiFiSettings) -> str:
    running = pid()
    if running:
        return f"already running (pid {running}, {settings.url}/nifi)"
    refuse_taken_ports([(settings.port, "NIFI_PORT")])
    fetch(settings)
    ensure_certificates()
    _render(settings)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    command = [
        java(), f"-Xms{settings.heap}", f"-Xmx{settings.heap}", "-Djava.awt.headless=true",
        "-Djava.net.preferIPv4Stack=true", "-Dsun.net.http.allowRestrictedHeaders=true",
        "-Djava.protocol.handler.pkgs=sun.net.www.protocol", "-Dzookeeper.admin.enableServer=false",
        "-Dcurator-log-only-first-connection-issue-as-error-level=true",
        f"-Dnifi.properties.file.path={CONF / 'nifi.properties'}",
        f"-Dlogback.configurationFile={CONF / 'logback.xml'}",
        f"-Dorg.apache.nifi.bootstrap.config.log.dir={LOG_DIR}",
        "-Dapp=NiFi",
        "-cp", f"{CONF}:{LIB}/*", "org.apache.nifi.NiFi",
    ]
    started = spawn(command, LOG_FILE, PID_FILE, cwd=HOME)
    wait_for(lambda: healthy(settings, timeout=3), "NiFi", 300, started, LOG_DIR / "nifi-app.log")
    return f"started (pid {started}, {settings.url}/nifi, ready in {time.monotonic() - began:.0f} s)"


def shutdown() -> str:
    return shut_down(PID_FILE, MARKER, "NiFi", timeout=60)


def installed() -> bool:
    return COMPLETE.exists()


def status(settings: NiFiSettings) -> dict:
    running = pid()
    ok = bool(running) and healthy(settings)
    memory = tree_memory_mb(running) if running else None
    problem = "" if ok else f"NiFi does not answer on {settings.url}: run `make up NIFI=1`."
    return status_row("nifi", running, ok, problem, f"{settings.url}/nifi", memory)


def login_note(settings: NiFiSettings) -> str:
    """Where to log in; the password is named by where it is, never printed."""
    where = "NIFI_PASSWORD" if os.environ.get("NIFI_PASSWORD") else PASSWORD_FILE
    return f"NiFi: {settings.url}/nifi (user {settings.username}, password in {where}; certificate {SERVER_CERT})"
