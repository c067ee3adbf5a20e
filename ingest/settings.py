"""Typed settings read from environment variables (see .env.example): the Kafka and PostgreSQL
connection settings every package shares (ingest, streaming, stack, bench, the dbt tools), and
the topic names. Other packages extend these classes with their own settings; none reads
KAFKA_* or POSTGRES_* connection variables itself."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, make_dataclass, replace
from typing import Callable, Mapping, TypeVar
from urllib.parse import urlsplit

from ingest import vocabulary
from ingest.errors import ConfigError, PostgresUnreachableError

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")


def topic_names(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Kafka topic name of each topic (ingest.vocabulary.TOPICS) by logical name (`match_events`),
    from its KAFKA_TOPIC_* setting, else the contract's own name. Every package reads them here."""
    env = os.environ if env is None else env
    return {vocabulary.table_of(topic): (env.get(vocabulary.topic_setting(topic)) or topic).strip()
            for topic in vocabulary.TOPICS}


def _for_contract(self, contract: str) -> str:
    """The Kafka topic of a contract (or of the dead letters)."""
    return getattr(self, vocabulary.table_of(contract))


def _names(self):
    """The Kafka topic names, in the vocabulary's order."""
    return iter(getattr(self, vocabulary.table_of(topic)) for topic in vocabulary.TOPICS)


# Kafka topic names by logical name (live_matches, ..., dead_letters); each defaults to the
# topic's own name in ingest.vocabulary.TOPICS, so the list is written once.
Topics = make_dataclass(
    "Topics",
    [(vocabulary.table_of(topic), str, field(default=topic)) for topic in vocabulary.TOPICS],
    frozen=True,
    namespace={"for_contract": _for_contract, "__iter__": _names, "__module__": __name__},
)


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap_servers: str = "localhost:9092"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    ssl_ca_location: str = ""
    topics: Topics = Topics()
    # A Confluent-compatible Schema Registry: when set, producers register the contracts and send
    # the JSON Schema serializer's wire format; empty, plain JSON.
    schema_registry_url: str = ""

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        shown["sasl_password"] = "***" if self.sasl_password else ""
        # A registry address may carry credentials (https://key:secret@host): the secret is masked.
        parts = urlsplit(self.schema_registry_url)
        if parts.password:
            shown["schema_registry_url"] = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
        return "KafkaSettings(" + ", ".join(f"{name}={value!r}" for name, value in shown.items()) + ")"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **extra: object) -> "KafkaSettings":
        """The clients' settings from KAFKA_*; `extra` fills the fields a subclass adds."""
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return (env.get(name) or default).strip()

        settings = cls(
            bootstrap_servers=get("KAFKA_BOOTSTRAP_SERVERS", cls.bootstrap_servers),
            security_protocol=get("KAFKA_SECURITY_PROTOCOL", cls.security_protocol).upper(),
            sasl_mechanism=get("KAFKA_SASL_MECHANISM", ""),
            sasl_username=get("KAFKA_SASL_USERNAME", ""),
            sasl_password=env.get("KAFKA_SASL_PASSWORD", "") or "",
            ssl_ca_location=get("KAFKA_SSL_CA_LOCATION", ""),
            topics=Topics(**topic_names(env)),
            schema_registry_url=get("SCHEMA_REGISTRY_URL", ""),
            **extra,
        )
        settings.check()
        return settings

    def with_topics(self, **names: str) -> "KafkaSettings":
        """A copy with some topic names replaced (an explicit argument wins over the environment)."""
        return replace(self, topics=replace(self.topics, **names))

    def check(self) -> None:
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ConfigError(f"KAFKA_SECURITY_PROTOCOL is {self.security_protocol!r}: set it to one of {', '.join(SECURITY_PROTOCOLS)}.")
        if self.security_protocol.startswith("SASL") and not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
            raise ConfigError("KAFKA_SECURITY_PROTOCOL is SASL: set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.")

    def client_config(self) -> dict[str, str]:
        """librdkafka settings for a client of these brokers."""
        config = {"bootstrap.servers": self.bootstrap_servers, "security.protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            config.update({"sasl.mechanism": self.sasl_mechanism, "sasl.username": self.sasl_username,
                           "sasl.password": self.sasl_password})
        if self.ssl_ca_location:
            config["ssl.ca.location"] = self.ssl_ca_location
        return config


Number = TypeVar("Number", int, float)


def positive_number(value: str, name: str, kind: Callable[[str], Number], unit: str, hint: str = "") -> Number:
    """A number above 0 from a setting (`kind` int for a whole number), or a ConfigError naming the
    setting and its `unit`; `hint` ends the second sentence (another way to set it)."""
    try:
        number = kind(value)
    except ValueError:
        whole = "whole " if kind is int else ""
        raise ConfigError(f"{name} must be a {whole}number of {unit}, not {value!r}: set it in .env{hint}.") from None
    if number <= 0:
        raise ConfigError(f"{name} must be a positive number of {unit}, not {value!r}: set it in .env{hint}.")
    return number


def port_number(value: str, name: str) -> int:
    """A TCP port from a setting, or a ConfigError naming the setting."""
    try:
        port = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, not {value!r}: set it in .env.") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name} must be between 1 and 65535, not {port}: set it in .env.")
    return port


@dataclass(frozen=True)
class PostgresSettings:
    """The pipeline role's connection: the landing job writes schema `streaming` with it, dbt
    builds `staging` and `marts`, the benchmarks and the evaluation read with it."""

    host: str = "localhost"
    port: int = 5433
    db: str = "matchday"
    user: str = "matchday"
    password: str = field(default="matchday", repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **extra: object) -> "PostgresSettings":
        """The connection from POSTGRES_*; `extra` fills the fields a subclass adds."""
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(name) or default

        return cls(
            host=get("POSTGRES_HOST", cls.host),
            port=port_number(get("POSTGRES_PORT", str(cls.port)), "POSTGRES_PORT"),
            db=get("POSTGRES_DB", cls.db),
            user=get("POSTGRES_USER", cls.user),
            password=get("POSTGRES_PASSWORD", "matchday"),
            **extra,
        )

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def connect_kwargs(self) -> dict[str, object]:
        """psycopg2.connect's arguments."""
        return {"host": self.host, "port": self.port, "dbname": self.db, "user": self.user,
                "password": self.password, "connect_timeout": 10}

    def connect(self, autocommit: bool = False, timeout: int = 10):
        """A psycopg2 connection, or a PostgresUnreachableError whose one sentence names the setting to check."""
        import psycopg2

        try:
            conn = psycopg2.connect(**{**self.connect_kwargs(), "connect_timeout": timeout})
        except psycopg2.OperationalError as error:
            raise PostgresUnreachableError(self.refusal(str(error))) from None
        conn.autocommit = autocommit
        return conn

    def refusal(self, reason: str) -> str:
        """What to set, from the reason PostgreSQL (or the network) gave for refusing a connection."""
        if "password authentication failed" in reason:
            return f"PostgreSQL at {self.where} refused the password of {self.user}: set POSTGRES_PASSWORD."
        if "does not exist" in reason:
            return (f"PostgreSQL at {self.where} has no database or role for {self.db}/{self.user}: run `make up`, "
                    "or set POSTGRES_DB and POSTGRES_USER.")
        first = reason.strip().splitlines()[0] if reason.strip() else "no answer"
        return f"Cannot reach PostgreSQL at {self.where} ({first}): set POSTGRES_HOST and POSTGRES_PORT, or run `make up`."
