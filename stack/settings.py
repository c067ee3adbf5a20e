"""The stack's settings, read from the environment (documented in .env.example)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Mapping

from ingest import settings as shared
from ingest.errors import ConfigError

from . import StackError

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
# The local broker's SASL user becomes a JAAS option name (user_<name>): keep it to a plain word.
_SASL_USERNAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _port(value: str, name: str) -> int:
    try:
        return shared.port_number(value, name)
    except ConfigError as error:
        raise StackError(str(error)) from None


@dataclass(frozen=True, kw_only=True)
class KafkaSettings(shared.KafkaSettings):
    """The clients' Kafka settings (ingest.settings) and what the stack needs to run a broker."""

    controller_port: int = 9093
    partitions: int = 3
    retention_hours: int = 24
    # The local broker only: its SASL_SSL listener and the one user it accepts there.
    sasl_ssl_port: int = 9094
    plaintext_port_setting: int | None = None  # KAFKA_PLAINTEXT_PORT
    local_sasl_username: str = "matchday"
    local_sasl_password: str = field(default="", repr=False)  # empty: generated into the stack folder
    # KAFKA_MODE: "local" runs our broker, "external" uses the brokers as they are (a broker already
    # running on this machine, e.g. docker compose's); empty: local exactly when the address is localhost.
    mode: str = ""

    @property
    def host(self) -> str:
        return self.bootstrap_servers.split(",")[0].rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        """The port the clients bootstrap from."""
        return _port(self.bootstrap_servers.split(",")[0].rsplit(":", 1)[-1], "KAFKA_BOOTSTRAP_SERVERS' port")

    @property
    def is_local(self) -> bool:
        """Run our own broker: KAFKA_MODE=local, or no KAFKA_MODE and a localhost bootstrap address."""
        return self.mode == "local" or (not self.mode and self.host in LOCAL_HOSTS)

    @property
    def plaintext_port(self) -> int:
        """The local broker's PLAINTEXT listener: KAFKA_PLAINTEXT_PORT, else the bootstrap port
        when the clients use PLAINTEXT, else 9092."""
        if self.plaintext_port_setting is not None:
            return self.plaintext_port_setting
        return 9092 if self.port == self.sasl_ssl_port else self.port

    def check_local(self) -> None:
        """The clients of the local broker must bootstrap from the listener of their protocol."""
        if self.mode not in ("", "local", "external"):
            raise StackError(f"KAFKA_MODE must be 'local', 'external' or empty, not {self.mode!r}: set it in .env.")
        if self.mode == "local" and self.host not in LOCAL_HOSTS:
            raise StackError(
                f"KAFKA_MODE=local runs a broker on this machine, but KAFKA_BOOTSTRAP_SERVERS points at {self.host}: "
                "set KAFKA_BOOTSTRAP_SERVERS to localhost:<port>, or KAFKA_MODE=external to use those brokers."
            )
        if not self.is_local:
            return
        if self.security_protocol == "PLAINTEXT" and self.port != self.plaintext_port:
            raise StackError(
                f"KAFKA_BOOTSTRAP_SERVERS' port {self.port} is not the local broker's PLAINTEXT port {self.plaintext_port}: "
                "set KAFKA_BOOTSTRAP_SERVERS to localhost:<KAFKA_PLAINTEXT_PORT>, or KAFKA_SECURITY_PROTOCOL=SASL_SSL "
                "for the SASL_SSL listener."
            )
        if self.security_protocol == "SASL_SSL" and self.port != self.sasl_ssl_port:
            raise StackError(
                f"KAFKA_SECURITY_PROTOCOL is SASL_SSL but KAFKA_BOOTSTRAP_SERVERS' port {self.port} is not the local "
                f"broker's SASL_SSL port {self.sasl_ssl_port}: set KAFKA_BOOTSTRAP_SERVERS to localhost:{self.sasl_ssl_port}."
            )
        if self.security_protocol not in ("PLAINTEXT", "SASL_SSL"):
            raise StackError(
                f"The local broker listens with PLAINTEXT and SASL_SSL, not {self.security_protocol}: set KAFKA_SECURITY_PROTOCOL to one of them."
            )
        if self.plaintext_port == self.sasl_ssl_port:
            raise StackError(f"The local broker's PLAINTEXT and SASL_SSL listeners cannot share port {self.sasl_ssl_port}: set KAFKA_SASL_SSL_PORT to another port.")
        if not _SASL_USERNAME.fullmatch(self.local_sasl_username):
            raise StackError("KAFKA_LOCAL_SASL_USERNAME must be letters, digits, _ and -: set it in .env.")
        if any(c in self.local_sasl_password for c in '"\\\n'):
            raise StackError("KAFKA_LOCAL_SASL_PASSWORD cannot hold quotes, backslashes or line breaks: set another one in .env.")


@dataclass(frozen=True, kw_only=True)
class PostgresSettings(shared.PostgresSettings):
    """The pipeline role's connection (ingest.settings) and what the stack needs to set up the
    database: where it runs, the read-only roles, the administrator."""

    mode: str = "local"
    analyst_user: str = "analyst"
    analyst_password: str = field(default="analyst", repr=False)
    superset_user: str = "superset"
    superset_password: str = field(default="superset", repr=False)
    admin_user: str = "postgres"
    admin_password: str = field(default="", repr=False)

    @property
    def is_local(self) -> bool:
        return self.mode == "local"


@dataclass(frozen=True)
class Settings:
    kafka: KafkaSettings
    postgres: PostgresSettings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        try:
            kafka = KafkaSettings.from_env(
                env,
                controller_port=_port(get("KAFKA_CONTROLLER_PORT", "9093"), "KAFKA_CONTROLLER_PORT"),
                partitions=int(get("KAFKA_TOPIC_PARTITIONS", "3")),
                retention_hours=int(get("KAFKA_RETENTION_HOURS", "24")),
                sasl_ssl_port=_port(get("KAFKA_SASL_SSL_PORT", "9094"), "KAFKA_SASL_SSL_PORT"),
                plaintext_port_setting=_port(env["KAFKA_PLAINTEXT_PORT"], "KAFKA_PLAINTEXT_PORT") if env.get("KAFKA_PLAINTEXT_PORT") else None,
                local_sasl_username=get("KAFKA_LOCAL_SASL_USERNAME", "matchday"),
                local_sasl_password=get("KAFKA_LOCAL_SASL_PASSWORD", ""),
                mode=get("KAFKA_MODE", "").strip().lower(),
            )
            kafka.check_local()
            mode = get("POSTGRES_MODE", "local")
            if mode not in ("local", "external"):
                raise StackError(f"POSTGRES_MODE must be 'local' or 'external', not {mode!r}: set it in .env.")
            postgres = PostgresSettings.from_env(
                env,
                mode=mode,
                analyst_user=get("POSTGRES_ANALYST_USER", "analyst"),
                analyst_password=get("POSTGRES_ANALYST_PASSWORD", "analyst"),
                superset_user=get("POSTGRES_SUPERSET_USER", "superset"),
                superset_password=get("POSTGRES_SUPERSET_PASSWORD", "superset"),
                admin_user=get("POSTGRES_ADMIN_USER", "postgres"),
                admin_password=get("POSTGRES_ADMIN_PASSWORD", ""),
            )
        except ConfigError as error:
            raise StackError(str(error)) from None
        return cls(kafka=kafka, postgres=postgres)
